import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_WEB_REDIRECT_URIS, RELAIS_API_SCOPE, WEB_CLIENT_ID } from '@relais/demo';

/**
 * Getting real tokens from the identity provider over HTTP, the way an integration (client credentials)
 * or a browser (authorization code + PKCE) does. Used by tests, seed scripts and the docs' examples;
 * works against any OpenID Provider that exposes the same clients, not only the dev one.
 */

export interface PasswordLoginTokens {
  accessToken: string;
  idToken: string;
  /** Issued to the web client by the dev provider; other providers may not. */
  refreshToken?: string;
}

/** An access token for a confidential client (client_credentials, client_secret_basic). */
export async function clientCredentialsToken(
  tokenEndpoint: string,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  // RFC 6749 §2.3.1: id and secret are form-encoded before going into the Basic header.
  const basic = Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: RELAIS_API_SCOPE }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await readJson(response);
  if (!response.ok || typeof body['access_token'] !== 'string') {
    throw new Error(`client_credentials for ${clientId} refused by ${tokenEndpoint}: ${describeError(response, body)}`);
  }
  return body['access_token'];
}

/**
 * Signs a user in through the provider's login page, as a browser would: authorization request with
 * PKCE, redirects followed by hand (cookies carried), login form posted, code exchanged at the token
 * endpoint by the public web client. The redirect URI is never fetched: the code is read from the
 * Location header that points at it, so no web app needs to run.
 */
export async function passwordLogin(
  issuer: string,
  username: string,
  password: string,
  redirectUri: string = DEFAULT_WEB_REDIRECT_URIS[0],
): Promise<PasswordLoginTokens> {
  const metadata = await discover(issuer);
  const jar = new CookieJar();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');

  const authorize = new URL(metadata.authorizationEndpoint);
  authorize.search = new URLSearchParams({
    client_id: WEB_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: `openid profile ${RELAIS_API_SCOPE}`,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();

  // Follow redirects up to the login page.
  let landing = await followRedirects(jar, authorize, redirectUri);
  if (landing.kind === 'callback') {
    throw new Error(`the provider redirected to ${redirectUri} before asking ${username} to sign in`);
  }
  const action = formAction(landing.html);
  if (!action) {
    throw new Error(`no login form at ${landing.url.href} (HTTP ${landing.status}): ${pageAlert(landing.html) ?? 'unexpected page'}`);
  }

  // Post the credentials, then follow redirects back to the redirect URI.
  const loginUrl = new URL(action, landing.url);
  const posted = await send(jar, loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  const location = posted.headers.get('location');
  if (!isRedirect(posted.status) || !location) {
    const html = await posted.text();
    throw new Error(`login refused for ${username}: ${pageAlert(html) ?? `HTTP ${posted.status}`}`);
  }
  landing = await followRedirects(jar, new URL(location, loginUrl), redirectUri);
  if (landing.kind !== 'callback') {
    throw new Error(
      `login for ${username} did not come back to ${redirectUri} (HTTP ${landing.status} at ${landing.url.href}): ${pageAlert(landing.html) ?? 'unexpected page'}`,
    );
  }

  const callback = landing.url.searchParams;
  const error = callback.get('error');
  if (error) {
    throw new Error(`authorization for ${username} failed: ${error} ${callback.get('error_description') ?? ''}`.trim());
  }
  if (callback.get('state') !== state) throw new Error('authorization response state mismatch');
  const code = callback.get('code');
  if (!code) throw new Error('authorization response carries no code');

  const response = await fetch(metadata.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: WEB_CLIENT_ID,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await readJson(response);
  const accessToken = body['access_token'];
  const idToken = body['id_token'];
  if (!response.ok || typeof accessToken !== 'string' || typeof idToken !== 'string') {
    throw new Error(`code exchange for ${username} refused: ${describeError(response, body)}`);
  }
  const refreshToken = body['refresh_token'];
  return typeof refreshToken === 'string' ? { accessToken, idToken, refreshToken } : { accessToken, idToken };
}

/* ------------------------------------------------------------------------------------------------ */

interface ProviderMetadata {
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

async function discover(issuer: string): Promise<ProviderMetadata> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await readJson(response);
  const authorizationEndpoint = body['authorization_endpoint'];
  const tokenEndpoint = body['token_endpoint'];
  if (!response.ok || typeof authorizationEndpoint !== 'string' || typeof tokenEndpoint !== 'string') {
    throw new Error(`no OpenID discovery document at ${url} (HTTP ${response.status})`);
  }
  return { authorizationEndpoint, tokenEndpoint };
}

type Landing =
  | { kind: 'callback'; url: URL }
  | { kind: 'page'; url: URL; status: number; html: string };

/** GETs and follows redirects until one points at the redirect URI, or a page is served. */
async function followRedirects(jar: CookieJar, start: URL, redirectUri: string): Promise<Landing> {
  const target = new URL(redirectUri);
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    if (url.origin === target.origin && url.pathname === target.pathname) return { kind: 'callback', url };
    const response = await send(jar, url, { method: 'GET' });
    const location = response.headers.get('location');
    if (isRedirect(response.status) && location) {
      await response.body?.cancel();
      url = new URL(location, url);
      continue;
    }
    return { kind: 'page', url, status: response.status, html: await response.text() };
  }
  throw new Error(`too many redirects from ${start.href}`);
}

async function send(jar: CookieJar, url: URL, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Response> {
  const cookie = jar.header(url);
  const response = await fetch(url, {
    ...init,
    headers: { ...init.headers, ...(cookie ? { cookie } : {}) },
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  jar.store(url, response.headers.getSetCookie());
  return response;
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

function formAction(html: string): string | undefined {
  const match = /<form\b[^>]*\baction="([^"]*)"/i.exec(html);
  return match?.[1] === undefined ? undefined : decodeHtml(match[1]);
}

/** The text of the page's `role="alert"` element: how the login page says what went wrong. */
function pageAlert(html: string): string | undefined {
  const match = /<[a-z]+\b[^>]*role="alert"[^>]*>([\s\S]*?)<\/[a-z]+>/i.exec(html);
  if (match?.[1] === undefined) return undefined;
  return decodeHtml(match[1].replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
}

function decodeHtml(value: string): string {
  return value
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replaceAll('%20', '+');
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return { error: `HTTP ${response.status}`, error_description: text.slice(0, 200) };
  }
}

function describeError(response: Response, body: Record<string, unknown>): string {
  const error = typeof body['error'] === 'string' ? body['error'] : `HTTP ${response.status}`;
  const description = typeof body['error_description'] === 'string' ? ` (${body['error_description']})` : '';
  return `${error}${description}`;
}

/**
 * Just enough of RFC 6265 for one provider: cookies are kept per name and path, sent when the path
 * matches, dropped when expired. Domains are ignored: the flow talks to a single host.
 */
class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string; expiresAt: number }>();

  store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(url);
      let expiresAt = Number.POSITIVE_INFINITY;
      for (const attribute of attributes) {
        const [rawKey = '', ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const attributeValue = rest.join('=').trim();
        if (key === 'path' && attributeValue.startsWith('/')) path = attributeValue;
        else if (key === 'max-age') expiresAt = Date.now() + Number(attributeValue) * 1000;
        else if (key === 'expires' && expiresAt === Number.POSITIVE_INFINITY) expiresAt = Date.parse(attributeValue);
      }
      const key = `${path} ${name}`;
      if (!(expiresAt > Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path, expiresAt });
    }
  }

  header(url: URL): string | undefined {
    const now = Date.now();
    const matching = [...this.cookies.values()]
      .filter((cookie) => cookie.expiresAt > now && pathMatches(url.pathname, cookie.path))
      // RFC 6265 §5.4: longer paths first.
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') : undefined;
  }
}

function defaultPath(url: URL): string {
  const slash = url.pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : url.pathname.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
