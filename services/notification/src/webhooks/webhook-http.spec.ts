import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { isPublicAddress } from './webhook-address-policy';
import { sendWebhook, type Resolve } from './webhook-http';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

const anyAddress = (): boolean => true;

/** A resolver that answers `first` once, then something else: what a rebinding DNS server does. */
function rebinding(first: string, then: string): Resolve & { calls: number } {
  const resolve = Object.assign(
    (): Promise<Array<{ address: string }>> => {
      resolve.calls += 1;
      return Promise.resolve([{ address: resolve.calls === 1 ? first : then }]);
    },
    { calls: 0 },
  );
  return resolve;
}

async function listen(server: Server | TlsServer | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('sending one webhook', () => {
  let server: Server;
  let port: number;
  const seen: Seen[] = [];
  let connections = 0;
  let answer: (res: import('node:http').ServerResponse) => void = (res) => res.writeHead(204).end();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        answer(res);
      });
    });
    server.on('connection', () => (connections += 1));
    port = await listen(server);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    connections = 0;
    answer = (res) => res.writeHead(204).end();
  });

  it('connects to the address it checked, keeping the URL’s host in the Host header', async () => {
    // 192.0.2.1 (documentation range) answers nobody: a second resolution at connect time would time out.
    const resolve = rebinding('127.0.0.1', '192.0.2.1');
    const outcome = await sendWebhook(
      { url: `http://receiver.example:${port}/relais/hook?source=relais`, headers: { 'content-type': 'application/json', 'webhook-id': 'evt-1' }, body: '{"a":1}' },
      { resolve, addressAllowed: anyAddress, timeoutMs: 2000 },
    );
    expect(outcome).toBeNull();
    expect(resolve.calls).toBe(1);
    expect(seen).toEqual([
      expect.objectContaining({ method: 'POST', url: '/relais/hook?source=relais', body: '{"a":1}', headers: expect.objectContaining({ host: `receiver.example:${port}`, 'webhook-id': 'evt-1' }) }),
    ]);
  });

  it('refuses, without connecting, a name of which any address is not allowed', async () => {
    const both: Resolve = () => Promise.resolve([{ address: '93.184.215.14' }, { address: '127.0.0.1' }]);
    expect(await sendWebhook({ url: `http://receiver.example:${port}/`, headers: {}, body: '{}' }, { resolve: both, addressAllowed: isPublicAddress, timeoutMs: 2000 })).toBe(
      'adresse refusée',
    );
    const literal = await sendWebhook({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' }, { resolve: rebinding('8.8.8.8', '8.8.8.8'), addressAllowed: isPublicAddress, timeoutMs: 2000 });
    expect(literal).toBe('adresse refusée');
    expect(connections).toBe(0);
  });

  it('says only the status class, and follows no redirect', async () => {
    answer = (res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('db-primary.internal:5432 is down');
    expect(await sendWebhook({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' }, { resolve: rebinding('', ''), addressAllowed: anyAddress, timeoutMs: 2000 })).toBe('HTTP 5xx');
    answer = (res) => res.writeHead(404).end();
    expect(await sendWebhook({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' }, { resolve: rebinding('', ''), addressAllowed: anyAddress, timeoutMs: 2000 })).toBe('HTTP 4xx');
    answer = (res) => res.writeHead(307, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    expect(await sendWebhook({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' }, { resolve: rebinding('', ''), addressAllowed: anyAddress, timeoutMs: 2000 })).toBe('HTTP 3xx');
    expect(seen.map((request) => request.url)).toEqual(['/', '/', '/']);
  });

  it('says a timeout, a refused connection or an unknown name in generic words', async () => {
    answer = () => undefined; // never answers
    expect(await sendWebhook({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' }, { resolve: rebinding('', ''), addressAllowed: anyAddress, timeoutMs: 200 })).toBe('délai dépassé');

    const closed = createNetServer();
    const closedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    expect(await sendWebhook({ url: `http://127.0.0.1:${closedPort}/`, headers: {}, body: '{}' }, { resolve: rebinding('', ''), addressAllowed: anyAddress, timeoutMs: 2000 })).toBe(
      'connexion refusée',
    );

    const failing: Resolve = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND billing.corp.internal'), { code: 'ENOTFOUND' }));
    expect(await sendWebhook({ url: 'https://billing.corp.internal/', headers: {}, body: '{}' }, { resolve: failing, addressAllowed: anyAddress, timeoutMs: 2000 })).toBe('adresse introuvable');
  });

  it('presents the URL’s host as the TLS server name on the pinned connection', async () => {
    const serverNames: string[] = [];
    // No certificate at all: the handshake is refused once the server has read the name the client asked for.
    const tls = createTlsServer({
      SNICallback: (name, callback) => {
        serverNames.push(name);
        callback(new Error('no certificate here'));
      },
    });
    tls.on('tlsClientError', () => undefined);
    const tlsPort = await listen(tls);
    try {
      const outcome = await sendWebhook(
        { url: `https://receiver.example:${tlsPort}/hook`, headers: {}, body: '{}' },
        { resolve: rebinding('127.0.0.1', '192.0.2.1'), addressAllowed: anyAddress, timeoutMs: 2000 },
      );
      expect(outcome).not.toBeNull();
      expect(serverNames).toEqual(['receiver.example']);
    } finally {
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});
