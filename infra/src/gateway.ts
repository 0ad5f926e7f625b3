import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface GatewayRoutes {
  /** service name → port: /api/<name>/… goes to 127.0.0.1:<port>, path unchanged. */
  services: Record<string, number>;
  /** Port of the identity provider, mounted under /auth (path unchanged: the issuer includes /auth). */
  identityPort?: number;
  /** Port of the local mail server's web page (MailDev), mounted under /mail (path unchanged: it serves under /mail). */
  mailPort?: number;
  /** Served at / until the web app takes over. */
  homePage?: () => string;
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
  if ((path === '/' || path.startsWith('/?')) && routes.homePage) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(routes.homePage());
    return;
  }
  problem(res, 404, 'not-found', "Cette adresse ne correspond à aucune ressource.", path);
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
