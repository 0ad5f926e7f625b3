import { createReadStream, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

export interface GatewayRoutes {
  /** service name → port: /api/<name>/… goes to 127.0.0.1:<port>, path unchanged. */
  services: Record<string, number>;
  /** Port of the identity provider, mounted under /auth (path unchanged: the issuer includes /auth). */
  identityPort?: number;
  /** Port of the local mail server's web page (MailDev), mounted under /mail (path unchanged: it serves under /mail). */
  mailPort?: number;
  /** Served at / when there is no web app build. */
  homePage?: () => string;
  /** The web workspace: its built files, served at / with the SPA fallback. */
  web?: WebApp;
}

export interface WebApp {
  /** Folder of the Vite build (index.html, assets/…), asked per request: a rebuild is served without a restart. */
  root: () => string;
  /** The instance's settings the app reads at start (`/web-config.json`): issuer, brand, map. */
  config: Record<string, unknown>;
  /** Files served at fixed paths instead of the build's (a département's own commune outlines). */
  overrides?: Record<string, string>;
  /** Origins the app may call besides its own (the OIDC issuer when it lives elsewhere). */
  connectOrigins?: string[];
}

export interface Gateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * One origin for everything (APIs, identity provider, web app), as a département's reverse proxy
 * would do in production: the web app and the APIs share cookies and need no CORS.
 */
export async function startGateway(port: number, routes: GatewayRoutes): Promise<Gateway> {
  const server = createServer((req, res) => route(routes, req, res));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => close(server) };
}

function route(routes: GatewayRoutes, req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  const api = /^\/api\/([a-z-]+)(\/|$|\?)/.exec(path);
  if (api?.[1]) {
    const port = routes.services[api[1]];
    if (port) return forward(req, res, port, api[1]);
    return problem(res, 404, 'not-found', `Aucun service « ${api[1]} » : services disponibles ${Object.keys(routes.services).join(', ')}.`, path);
  }
  if ((path === '/auth' || path.startsWith('/auth/') || path.startsWith('/auth?')) && routes.identityPort) {
    return forward(req, res, routes.identityPort, 'identity');
  }
  if ((path === '/mail' || path.startsWith('/mail/') || path.startsWith('/mail?')) && routes.mailPort) {
    return forward(req, res, routes.mailPort, 'mail');
  }
  if (routes.web && (req.method === 'GET' || req.method === 'HEAD')) return serveWeb(routes.web, req, res, path);
  if ((path === '/' || path.startsWith('/?')) && routes.homePage) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(routes.homePage());
    return;
  }
  problem(res, 404, 'not-found', "Cette adresse ne correspond à aucune ressource.", path);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * The web app: a file of the build when the path names one, else index.html (the app's router decides),
 * except for paths that look like a missing file (an extension) which get a 404 rather than a page.
 * Vite names assets by their content, so /assets/ is cached for a year; everything else is revalidated.
 */
function serveWeb(web: WebApp, req: IncomingMessage, res: ServerResponse, path: string): void {
  const pathname = decodePath(path.split('?', 1)[0] ?? '/');
  if (pathname === null) return problem(res, 400, 'bad-request', 'Adresse mal formée.', path);
  if (pathname === '/web-config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...webSecurityHeaders(web) });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(web.config));
    return;
  }
  const root = web.root();
  const override = web.overrides?.[pathname];
  const file = override ?? safeJoin(root, pathname);
  if (file && isFile(file)) return sendFile(web, req, res, file, pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  // An action link's token is `<claims>.<signature>`: its dot is not a file's extension.
  if (extname(pathname) !== '' && !tokenInPath(pathname)) return problem(res, 404, 'not-found', "Ce fichier n'existe pas.", path);
  sendFile(web, req, res, join(root, 'index.html'), 'no-cache', tokenInPath(pathname));
}

/** An action link's page carries its token (a credential) in the address: it must never leave in a Referer. */
const tokenInPath = (pathname: string): boolean => pathname.startsWith('/orientations/lien/');

function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** A path inside root, or null when `..` or a NUL would leave it. */
function safeJoin(root: string, pathname: string): string | null {
  if (pathname.includes('\0')) return null;
  const file = normalize(join(root, pathname));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function sendFile(web: WebApp, req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string, noReferrer = false): void {
  const size = statSync(file).size;
  res.writeHead(200, {
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': cacheControl,
    ...webSecurityHeaders(web),
    ...(noReferrer ? { 'referrer-policy': 'no-referrer' } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

/** No script, style, font or image from elsewhere: the workspace works offline and leaks nothing to third parties. */
/** The web app's headers; deploy/gateway/Caddyfile sends the same policy (infra/test/deploy/dockerfile.deploy-spec.ts). */
export function webSecurityHeaders(web: WebApp): Record<string, string> {
  const connect = ["'self'", ...(web.connectOrigins ?? [])].join(' ');
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      // react-dsfr and MapLibre set style attributes at run time.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      `connect-src ${connect}`,
      "worker-src 'self' blob:",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      `form-action 'self' ${(web.connectOrigins ?? []).join(' ')}`.trim(),
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
}

function forward(req: IncomingMessage, res: ServerResponse, port: number, upstream: string): void {
  const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const outbound = httpRequest(
    {
      host: '127.0.0.1',
      port,
      method: req.method,
      path: req.url,
      headers: {
        ...req.headers,
        'x-forwarded-for': forwardedFor,
        'x-forwarded-proto': 'http',
        'x-forwarded-host': req.headers.host ?? '',
      },
    },
    (upstreamResponse) => {
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(res);
    },
  );
  outbound.on('error', () => {
    if (!res.headersSent) {
      problem(res, 502, 'dependency-unavailable', `Le service ${upstream} ne répond pas.`, req.url ?? '/');
    } else {
      res.destroy();
    }
  });
  req.pipe(outbound);
}

function problem(res: ServerResponse, status: number, code: string, detail: string, instance: string): void {
  res
    .writeHead(status, { 'content-type': 'application/problem+json' })
    .end(JSON.stringify({ type: `urn:relais:problem:${code}`, title: detail, status, detail, instance }));
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
