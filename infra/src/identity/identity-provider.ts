import { createHash, generateKeyPair, timingSafeEqual, type JsonWebKey } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { constants as vmConstants, runInThisContext } from 'node:vm';
import { DEFAULT_WEB_REDIRECT_URIS, RELAIS_API_SCOPE, WEB_CLIENT_ID, type DemoAccounts, type DemoClient, type DemoUser } from '@relais/demo';

/**
 * The development identity provider: a real OpenID Provider (oidc-provider, certified) configured for
 * Relais, so that services verify the same kind of tokens locally as in production (ProConnect or
 * Keycloak). Nothing here is fit for production: in-memory sessions, public demo credentials.
 */

/** `aud` of every access token: what the services check. */
export const RELAIS_API_AUDIENCE = 'relais-api';
/**
 * The resource indicator (RFC 8707) that stands for the Relais API. Indicators must be absolute URIs,
 * so it cannot be the audience itself. Clients never need to send it: it is the default resource.
 */
export const RELAIS_API_RESOURCE = 'urn:relais:api';

const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
/** A working day: an agent signs in once in the morning. */
const SESSION_TTL_SECONDS = 10 * 60 * 60;

export interface IdentityProviderOptions {
  issuer: string;
  port: number;
  /** Where it listens: loopback (the local platform), or 0.0.0.0 in the compose trial's container. */
  host?: string;
  accounts: DemoAccounts;
  webRedirectUris?: string[];
  keysFile?: string;
}

export interface IdentityProvider {
  issuer: string;
  tokenEndpoint: string;
  stop(): Promise<void>;
}

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const { issuer, port, accounts } = options;
  const webRedirectUris = [...(options.webRedirectUris ?? DEFAULT_WEB_REDIRECT_URIS)];
  const directory = indexAccounts(accounts);
  const jwks = await loadOrCreateSigningKeys(options.keysFile);
  const { module: { Provider, errors }, fromMainContext } = await loadOidcProvider();

  // The provider lives under the issuer's path (`/auth`), both here and behind the gateway.
  const mountPath = new URL(issuer).pathname.replace(/\/+$/, '');

  const relaisClaimsOf = (account: DemoUser | DemoClient): RelaisClaims => ({
    structure_id: account.structureId,
    network_ids: [...account.networkIds],
    department: account.department,
    roles: [...account.roles],
  });

  const toMainRealm = fromMainContext ? mainRealmBridge() : <T>(value: T): T => value;
  const provider = new Provider(issuer, toMainRealm({
    adapter: memoryAdapterFactory(),
    jwks,
    // Cookies are signed with these keys; fixed rather than random so the dev setup has no secret to
    // manage (nothing here is secret, and sessions live in memory anyway).
    cookies: { keys: ['relais-dev-cookies-not-a-secret'] },
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_name: 'Espace de travail Relais',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: webRedirectUris,
        post_logout_redirect_uris: webRedirectUris,
      },
      ...accounts.clients.map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: client.description,
        // Either method is accepted for a secret-based client; basic is what is advertised.
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      })),
    ],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    responseTypes: ['code'],
    scopes: ['openid', 'offline_access', 'profile'],
    claims: {
      openid: ['sub'],
      // Relais claims in the ID token too, so the web app can shape its menus without a round trip.
      profile: ['name', 'preferred_username', 'structure_id', 'network_ids', 'department', 'roles'],
    },
    // Profile claims go in the ID token: access tokens are for relais-api, so userinfo is not usable.
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, sub: string) => {
      const user = directory.users.get(sub);
      if (!user) return undefined;
      return {
        accountId: user.username,
        claims: () => ({
          sub: user.username,
          name: user.displayName,
          preferred_username: user.username,
          ...relaisClaimsOf(user),
        }),
      };
    },
    extraTokenClaims: (_ctx: unknown, token: IssuedToken): RelaisClaims | undefined => {
      // Client-credentials tokens speak for the client's structure; the others for the signed-in user.
      if (token.kind === 'ClientCredentials') {
        const client = token.clientId === undefined ? undefined : directory.clients.get(token.clientId);
        return client ? relaisClaimsOf(client) : undefined;
      }
      const user = token.accountId === undefined ? undefined : directory.users.get(token.accountId);
      return user ? relaisClaimsOf(user) : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Kept on (the default) but re-skinned: the default pages load Google fonts.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContext, form: string) => {
          ctx.type = 'html';
          ctx.body = page(
            'Déconnexion',
            `${form}<p>Voulez-vous vous déconnecter de Relais ?</p>
<p><button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Me déconnecter</button>
<button type="submit" form="op.logoutForm">Rester connecté</button></p>`,
          );
        },
        postLogoutSuccessSource: (ctx: KoaContext) => {
          ctx.type = 'html';
          ctx.body = page('Déconnexion de Relais', '<p>Vous êtes déconnecté de Relais.</p>');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx: unknown, _client: unknown, oneOf?: string[]) =>
          oneOf ? (oneOf.includes(RELAIS_API_RESOURCE) ? RELAIS_API_RESOURCE : oneOf[0]) : RELAIS_API_RESOURCE,
        // Without this, a code flow that asks for `openid` would get an opaque userinfo-only token.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== RELAIS_API_RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: RELAIS_API_SCOPE,
            audience: RELAIS_API_AUDIENCE,
            // JWT access tokens carry the header typ: at+jwt (RFC 9068), which services require: an ID
            // token, signed by the same keys, is refused as a bearer token.
            accessTokenFormat: 'jwt',
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // Every client here is ours (first-party): consent is implied, never asked.
    loadExistingGrant: async (ctx: AuthorizationContext) => {
      const { oidc } = ctx;
      if (!oidc.account) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      const grant =
        (grantId ? await provider.Grant.find(grantId) : undefined) ??
        new provider.Grant({ accountId: oidc.account.accountId, clientId: oidc.client.clientId });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      if (oidc.requestParamClaims.size > 0) grant.addOIDCClaims([...oidc.requestParamClaims]);
      for (const [indicator, resourceServer] of Object.entries(oidc.resourceServers)) {
        if (resourceServer.scope) grant.addResourceScope(indicator, resourceServer.scope);
      }
      await grant.save();
      return grant;
    },
    // The web client gets a refresh token without the offline_access + prompt=consent ceremony.
    issueRefreshToken: (_ctx: unknown, client: OidcClient) => client.clientId === WEB_CLIENT_ID,
    pkce: { required: () => true },
    // The same rule as the library's default, declared so it does not warn on every CORS request.
    clientBasedCORS: (_ctx: unknown, origin: string, client: OidcClient) =>
      client.redirectUris.some((uri) => URL.parse(uri)?.origin === origin),
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${mountPath}/interaction/${interaction.uid}`,
    },
    renderError: (ctx: KoaContext, out: Record<string, unknown>) => {
      ctx.type = 'html';
      const description = typeof out['error_description'] === 'string' ? out['error_description'] : '';
      const code = typeof out['error'] === 'string' ? out['error'] : 'server_error';
      ctx.body = page(
        'Erreur de connexion',
        `<p role="alert">La demande de connexion n'a pas abouti : ${escapeHtml(description || code)}</p>
<p>Code : <code>${escapeHtml(code)}</code>. Revenez à l'application et recommencez.</p>`,
      );
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      IdToken: ACCESS_TOKEN_TTL_SECONDS,
      RefreshToken: SESSION_TTL_SECONDS,
      Interaction: 60 * 60,
      Session: SESSION_TTL_SECONDS,
      Grant: SESSION_TTL_SECONDS,
    },
  }));

  // Behind the gateway the original scheme and host arrive in X-Forwarded-* headers.
  provider.proxy = true;
  provider.on('server_error', (_ctx: unknown, error: unknown) => {
    console.error('identity provider: server error', error);
  });

  const handleProviderRequest = provider.callback();
  const interactions = new LoginInteractions(provider, directory, mountPath, toMainRealm);

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error('identity provider: request failed', error);
      if (!res.headersSent) sendHtml(res, 500, page('Erreur', '<p role="alert">Erreur interne du serveur.</p>'));
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const pathname = url.split('?', 1)[0] ?? '/';
    if (mountPath && pathname !== mountPath && !pathname.startsWith(`${mountPath}/`)) {
      sendHtml(res, 404, page('Introuvable', "<p>Cette adresse n'existe pas.</p>"));
      return;
    }
    const rest = url.slice(mountPath.length);
    const inner = rest.startsWith('/') ? rest : `/${rest}`;
    if (await interactions.handle(req, res, inner)) return;
    // Mount the way connect/express do (the provider documents it): originalUrl keeps the full path,
    // url is relative to the mount point, and the provider derives its endpoints' URLs from both.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = inner;
    await handleProviderRequest(req, res);
  }

  await listen(server, port, options.host ?? '127.0.0.1');

  return {
    issuer,
    tokenEndpoint: provider.urlFor('token'),
    stop: () => close(server),
  };
}

/* ------------------------------------------------------------------------------------------------ */
/* Login interaction                                                                                 */
/* ------------------------------------------------------------------------------------------------ */

class LoginInteractions {
  constructor(
    private readonly provider: OidcProvider,
    private readonly directory: AccountDirectory,
    private readonly mountPath: string,
    private readonly toMainRealm: <T>(value: T) => T,
  ) {}

  /** Handles `/interaction/<uid>[/login|/abort]`; false when the path is not an interaction's. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?(?:\?.*)?$/.exec(path);
    if (!match?.[1]) return false;
    const uid = match[1];
    const action = match[2];

    let details: InteractionDetails;
    try {
      details = await this.provider.interactionDetails(req, res);
    } catch (error) {
      if (isNamed(error, 'SessionNotFound')) {
        sendHtml(
          res,
          400,
          page(
            'Session expirée',
            `<p role="alert">Cette demande de connexion a expiré ou a déjà été utilisée.</p>
<p>Revenez à l'application et recommencez.</p>`,
          ),
        );
        return true;
      }
      throw error;
    }
    if (details.uid !== uid) {
      sendHtml(res, 400, page('Session invalide', '<p role="alert">Cette demande de connexion ne correspond pas à votre session.</p>'));
      return true;
    }

    if (action === 'abort') {
      await this.provider.interactionFinished(
        req,
        res,
        this.toMainRealm({ error: 'access_denied', error_description: "La connexion a été annulée par l'utilisateur." }),
        { mergeWithLastSubmission: false },
      );
      return true;
    }

    if (details.prompt.name !== 'login') {
      // Consent is implied for our first-party clients (see loadExistingGrant): nothing else to ask.
      sendHtml(res, 400, page('Étape inconnue', `<p role="alert">Étape de connexion non prise en charge : ${escapeHtml(details.prompt.name)}.</p>`));
      return true;
    }

    const clientName = this.clientName(details.params['client_id']);
    if (action !== 'login' || req.method !== 'POST') {
      sendHtml(res, 200, this.loginPage(uid, clientName, '', undefined));
      return true;
    }

    const form = await readForm(req);
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const user = this.directory.users.get(username);
    if (!user || !sameSecret(password, user.password)) {
      // 200 with the form again, as a browser expects; the alert says what went wrong.
      sendHtml(res, 200, this.loginPage(uid, clientName, username, 'Identifiant ou mot de passe incorrect.'));
      return true;
    }
    await this.provider.interactionFinished(
      req,
      res,
      this.toMainRealm({ login: { accountId: user.username } }),
      { mergeWithLastSubmission: false },
    );
    return true;
  }

  private clientName(clientId: unknown): string {
    if (clientId === WEB_CLIENT_ID) return 'Espace de travail Relais';
    return typeof clientId === 'string' ? (this.directory.clients.get(clientId)?.description ?? clientId) : 'Relais';
  }

  private loginPage(uid: string, clientName: string, username: string, error: string | undefined): string {
    const base = `${this.mountPath}/interaction/${encodeURIComponent(uid)}`;
    return page(
      'Connexion à Relais',
      `<p>Connexion à <strong>${escapeHtml(clientName)}</strong>.</p>
${error ? `<p role="alert" class="erreur">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(`${base}/login`)}" autocomplete="off">
  <p><label for="username">Identifiant</label><br>
  <input id="username" name="username" value="${escapeHtml(username)}" required autofocus autocapitalize="none" spellcheck="false"></p>
  <p><label for="password">Mot de passe</label><br>
  <input id="password" name="password" type="password" required></p>
  <p><button type="submit">Se connecter</button> <a href="${escapeHtml(`${base}/abort`)}">Annuler</a></p>
</form>
<p class="note">Environnement de développement : les comptes de démonstration du Morbihan sont décrits
dans <code>infra/src/identity/demo-accounts.ts</code>.</p>`,
    );
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Signing keys                                                                                     */
/* ------------------------------------------------------------------------------------------------ */

interface SigningJwk {
  kty: 'RSA';
  kid: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

interface SigningJwks {
  keys: SigningJwk[];
}

/**
 * The keys from `keysFile`, or new ones written there. Persisting them keeps issued tokens valid across
 * restarts (a service caches the JWKS, a developer keeps a token in a shell variable).
 */
async function loadOrCreateSigningKeys(keysFile: string | undefined): Promise<SigningJwks> {
  if (!keysFile) return { keys: [await generateSigningKey()] };
  const existing = readSigningKeys(keysFile);
  if (existing) return existing;

  const created: SigningJwks = { keys: [await generateSigningKey()] };
  mkdirSync(dirname(keysFile), { recursive: true });
  // Written aside, then linked into place: the file appears complete or not at all, and if another
  // process got there first its keys win (link refuses to replace a file) rather than being overwritten.
  const pending = `${keysFile}.${process.pid}.tmp`;
  writeFileSync(pending, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(pending, keysFile);
    return created;
  } catch (error) {
    const raced = isErrno(error, 'EEXIST') ? readSigningKeys(keysFile) : undefined;
    if (raced) return raced;
    throw error;
  } finally {
    unlinkSync(pending);
  }
}

function readSigningKeys(keysFile: string): SigningJwks | undefined {
  let text: string;
  try {
    text = readFileSync(keysFile, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const keys = isRecord(parsed) && Array.isArray(parsed['keys']) ? (parsed['keys'] as unknown[]) : [];
  if (keys.length === 0 || !keys.every(isSigningJwk)) {
    throw new Error(`${keysFile} does not hold RS256 private signing keys (JWKS); delete it to generate new ones`);
  }
  return { keys };
}

async function generateSigningKey(): Promise<SigningJwk> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk: JsonWebKey = privateKey.export({ format: 'jwk' });
  const candidate: unknown = { ...jwk, kid: thumbprint(jwk), alg: 'RS256', use: 'sig' };
  if (!isSigningJwk(candidate)) throw new Error('node:crypto exported an unexpected RSA JWK');
  return candidate;
}

/** RFC 7638 thumbprint: a stable kid derived from the public key. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

function isSigningJwk(value: unknown): value is SigningJwk {
  if (!isRecord(value)) return false;
  const strings = ['kid', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'];
  return (
    value['kty'] === 'RSA' &&
    value['alg'] === 'RS256' &&
    value['use'] === 'sig' &&
    strings.every((name) => typeof value[name] === 'string')
  );
}

/* ------------------------------------------------------------------------------------------------ */
/* Storage                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

type StoredPayload = Record<string, unknown>;

interface Stored {
  payload: StoredPayload;
  expiresAt: number;
}

/**
 * Sessions, interactions, grants, codes and refresh tokens, in memory (JWT access tokens are not
 * stored). Our own rather than the library's because the library's warns on every start and keeps one
 * store for all providers of the process, so a restarted provider in a test would see the old sessions.
 */
function memoryAdapterFactory(): (model: string) => StorageAdapter {
  const entries = new Map<string, Stored>();
  const byGrant = new Map<string, Set<string>>();
  const byUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();
  let writes = 0;

  const live = (key: string | undefined): StoredPayload | undefined => {
    if (key === undefined) return undefined;
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  const sweep = (): void => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
    for (const [grantId, keys] of byGrant) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) byGrant.delete(grantId);
    }
    for (const [uid, key] of byUid) if (!entries.has(key)) byUid.delete(uid);
    for (const [code, key] of byUserCode) if (!entries.has(key)) byUserCode.delete(code);
  };

  return (model: string): StorageAdapter => {
    const keyFor = (id: string): string => `${model}:${id}`;
    const upsert = (id: string, payload: StoredPayload, expiresIn: number | undefined): void => {
      const key = keyFor(id);
      const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      entries.set(key, { payload: { ...payload }, expiresAt });
      const { grantId, uid, userCode } = payload;
      if (typeof grantId === 'string') {
        const keys = byGrant.get(grantId) ?? new Set<string>();
        keys.add(key);
        byGrant.set(grantId, keys);
      }
      if (typeof uid === 'string') byUid.set(uid, key);
      if (typeof userCode === 'string') byUserCode.set(userCode, key);
      // A dev provider runs for days; drop what expired now and then so it does not grow forever.
      if (++writes % 500 === 0) sweep();
    };
    const consume = (id: string): void => {
      const payload = live(keyFor(id));
      if (payload) payload['consumed'] = Math.floor(Date.now() / 1000);
    };
    const revokeByGrantId = (grantId: string): void => {
      for (const key of byGrant.get(grantId) ?? []) entries.delete(key);
      byGrant.delete(grantId);
    };
    return {
      upsert: (id, payload, expiresIn) => {
        upsert(id, payload, expiresIn);
        return Promise.resolve();
      },
      find: (id) => Promise.resolve(live(keyFor(id))),
      findByUid: (uid) => Promise.resolve(live(byUid.get(uid))),
      findByUserCode: (userCode) => Promise.resolve(live(byUserCode.get(userCode))),
      consume: (id) => {
        consume(id);
        return Promise.resolve();
      },
      destroy: (id) => {
        entries.delete(keyFor(id));
        return Promise.resolve();
      },
      revokeByGrantId: (grantId) => {
        revokeByGrantId(grantId);
        return Promise.resolve();
      },
    };
  };
}

/* ------------------------------------------------------------------------------------------------ */
/* The library, seen through the few members we use                                                */
/* ------------------------------------------------------------------------------------------------ */

interface RelaisClaims {
  structure_id: string | null;
  network_ids: string[];
  department: string;
  roles: string[];
  [claim: string]: unknown;
}

/** oidc-provider's adapter contract (every method returns a promise). */
interface StorageAdapter {
  upsert(id: string, payload: StoredPayload, expiresIn: number | undefined): Promise<void>;
  find(id: string): Promise<StoredPayload | undefined>;
  findByUid(uid: string): Promise<StoredPayload | undefined>;
  findByUserCode(userCode: string): Promise<StoredPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

interface OidcClient {
  clientId: string;
  redirectUris: string[];
}

interface IssuedToken {
  /** `AccessToken` (user) or `ClientCredentials`. */
  kind: string;
  clientId?: string;
  accountId?: string;
}

interface KoaContext {
  type: string;
  body: unknown;
}

interface AuthorizationContext {
  oidc: {
    client: OidcClient;
    account?: { accountId: string };
    session: { grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    requestParamOIDCScopes: Set<string>;
    requestParamClaims: Set<string>;
    resourceServers: Record<string, { scope?: string }>;
  };
}

interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}

interface GrantModel {
  new (init: { accountId: string; clientId: string }): Grant;
  find(id: string): Promise<Grant | undefined>;
}

interface InteractionDetails {
  uid: string;
  prompt: { name: string };
  params: Record<string, unknown>;
}

type InteractionResult =
  | { login: { accountId: string } }
  | { error: string; error_description: string };

interface OidcProvider {
  proxy: boolean;
  readonly Grant: GrantModel;
  callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  urlFor(route: string): string;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: InteractionResult,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
}

interface OidcProviderModule {
  Provider: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  errors: { InvalidTarget: new (description?: string) => Error };
}

/** oidc-provider is ESM-only and ships no types: loaded by import(), then checked against what we use. */
async function loadOidcProvider(): Promise<{ module: OidcProviderModule; fromMainContext: boolean }> {
  const { loaded, fromMainContext } = await importEsm('oidc-provider');
  if (!isRecord(loaded) || typeof loaded['Provider'] !== 'function' || !isRecord(loaded['errors'])) {
    throw new Error('oidc-provider did not load as expected (is version 9 installed?)');
  }
  return { module: loaded as unknown as OidcProviderModule, fromMainContext };
}

/**
 * `import()` of an ESM-only package from our CommonJS build (swc leaves import() alone). Under jest the
 * code runs in a vm context where import() is disabled and require() cannot load ESM (jest blocks
 * createRequire too), so a function compiled in the main context imports through Node's own loader.
 * Jest without a native require(esm) path needs this.
 */
async function importEsm(specifier: string): Promise<{ loaded: unknown; fromMainContext: boolean }> {
  try {
    return { loaded: (await import(specifier)) as unknown, fromMainContext: false };
  } catch (error) {
    const code = isRecord(error) && typeof error['code'] === 'string' ? error['code'] : '';
    if (!code.startsWith('ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')) throw error;
    const nodeImport = runInThisContext('(url) => import(url)', {
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }) as (url: string) => Promise<unknown>;
    return { loaded: await nodeImport(pathToFileURL(require.resolve(specifier)).href), fromMainContext: true };
  }
}

/**
 * When our code runs in a jest vm realm and oidc-provider had to be imported through Node's main-context
 * loader, it lives in the main realm and recognises configuration and callback results by `constructor === Object` of its
 * realm. This copies plain objects and arrays into the main realm, and wraps functions so that what
 * they return (or resolve to) is copied too. Outside jest both realms are one and nothing is copied.
 */
function mainRealmBridge(): <T>(value: T) => T {
  if (runInThisContext('Object') === Object) return (value) => value;
  return runInThisContext(`(() => {
    const isPlain = (value) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      const prototype = Object.getPrototypeOf(value);
      return prototype === null || Object.getPrototypeOf(prototype) === null;
    };
    const copy = (value) => {
      if (typeof value === 'function') return wrap(value);
      if (Array.isArray(value)) return value.map(copy);
      if (!isPlain(value)) return value;
      const copied = {};
      for (const [key, entry] of Object.entries(value)) copied[key] = copy(entry);
      return copied;
    };
    const wrap = (fn) => function (...args) {
      const result = fn.apply(this, args);
      return result !== null && typeof result === 'object' && typeof result.then === 'function'
        ? Promise.resolve(result).then(copy)
        : copy(result);
    };
    return copy;
  })()`) as <T>(value: T) => T;
}

/* ------------------------------------------------------------------------------------------------ */
/* Small helpers                                                                                    */
/* ------------------------------------------------------------------------------------------------ */

interface AccountDirectory {
  users: Map<string, DemoUser>;
  clients: Map<string, DemoClient>;
}

function indexAccounts(accounts: DemoAccounts): AccountDirectory {
  const users = new Map<string, DemoUser>();
  for (const user of accounts.users) {
    if (users.has(user.username)) throw new Error(`duplicate demo user ${user.username}`);
    users.set(user.username, user);
  }
  const clients = new Map<string, DemoClient>();
  for (const client of accounts.clients) {
    if (clients.has(client.clientId) || client.clientId === WEB_CLIENT_ID) {
      throw new Error(`duplicate or reserved demo client id ${client.clientId}`);
    }
    clients.set(client.clientId, client);
  }
  return { users, clients };
}

/** Compares digests so the comparison takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('login form body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // Inline styles only, nothing fetched from anywhere, never framed.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#161616}
input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;padding:.4rem 1rem}
.erreur{color:#ce0500;font-weight:bold}
.note{color:#666;font-size:.85rem}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
    // Clients (fetch, browsers) keep connections alive; without this, close waits for them to time out.
    server.closeAllConnections();
  });
  // A client in this same process (a test) sees its pooled sockets closed only once the event loop
  // has polled I/O; let it, or its next request may be written to a dead socket ("other side closed").
  await new Promise((resolve) => setImmediate(resolve));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** By name, not instanceof: the library's classes come from another realm under jest. */
function isNamed(error: unknown, name: string): boolean {
  return isRecord(error) && error['name'] === name;
}

function isErrno(error: unknown, code: string): boolean {
  return isRecord(error) && error['code'] === code;
}
