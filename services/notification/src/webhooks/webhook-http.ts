import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

/**
 * What a subscriber is told of a failed delivery (stored, listed, and sent in the outcome event). A closed
 * set on purpose: the raw error of a connection names hosts, addresses and ports of whatever network the
 * deliverer sits in, and the subscriber chose the URL — the text must not let it map that network.
 */
export const deliveryFailures = [
  'HTTP 3xx',
  'HTTP 4xx',
  'HTTP 5xx',
  'délai dépassé',
  'connexion refusée',
  'adresse introuvable',
  'adresse refusée',
  'erreur TLS',
  'échec de connexion',
] as const;
export type DeliveryFailure = (typeof deliveryFailures)[number];

export type Resolve = (hostname: string) => Promise<ReadonlyArray<{ address: string }>>;

/** The system resolver (getaddrinfo, /etc/hosts included), as an HTTP client would use it. */
export const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SendOptions {
  resolve: Resolve;
  /** Whether the deliverer may connect to a resolved address. */
  addressAllowed: (address: string) => boolean;
  timeoutMs: number;
}

// Keep-alive pools keyed, among others, by the address connected to and the TLS server name: a socket is
// only reused for the address it was opened to, which was checked then.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

/**
 * POSTs one webhook. The host is resolved once, every address it resolves to is checked, and the
 * connection goes to the checked address (the Host header and the TLS server name stay the URL's host,
 * so certificates are verified as usual): a name that answers differently the second time (DNS
 * rebinding) cannot redirect the request. Redirects are never followed. Resolves to null when the
 * receiver answered 2xx, else to one generic reason.
 */
export async function sendWebhook(request: WebhookRequest, options: SendOptions): Promise<DeliveryFailure | null> {
  const url = new URL(request.url);
  const protocol = url.protocol === 'https:' ? 'https:' : url.protocol === 'http:' ? 'http:' : null;
  if (protocol === null) return 'adresse refusée';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (await options.resolve(host)).map((entry) => entry.address);
    } catch {
      return 'adresse introuvable';
    }
  }
  const [address] = addresses;
  if (address === undefined) return 'adresse introuvable';
  // Any refused address refuses the name: otherwise a name resolving to one public and one private
  // address would be reached on the private one whenever the resolver orders it first.
  if (!addresses.every((candidate) => options.addressAllowed(candidate))) return 'adresse refusée';

  return new Promise<DeliveryFailure | null>((resolve) => {
    const outgoing = (protocol === 'https:' ? https : http).request(
      {
        protocol,
        host: address,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...request.headers, host: url.host, 'content-length': String(Buffer.byteLength(request.body)) },
        ...(isIP(host) === 0 ? { servername: host } : {}),
        agent: agents[protocol],
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        // Only the status matters; the body is drained so the socket can serve the next delivery.
        response.resume();
        response.on('error', () => undefined);
        resolve(statusFailure(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', (error) => resolve(connectionFailure(error)));
    outgoing.end(request.body);
  });
}

function statusFailure(status: number): DeliveryFailure | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 500) return 'HTTP 5xx';
  if (status >= 400) return 'HTTP 4xx';
  return 'HTTP 3xx';
}

function connectionFailure(error: Error & { code?: string }): DeliveryFailure {
  const code = error.code ?? '';
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || code === 'ABORT_ERR' || code === 'ETIMEDOUT') return 'délai dépassé';
  if (code === 'ECONNREFUSED') return 'connexion refusée';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'adresse introuvable';
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO)/.test(code)) return 'erreur TLS';
  return 'échec de connexion';
}
