import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

/** The path of Brevo's transactional SMS API, which the stand-in answers on (docs/decisions/0005). */
export const transactionalSmsPath = '/v3/transactionalSMS/send';

export interface SmsStandInOptions {
  port: number;
  /** One JSON file per SMS accepted: `{ "to", "text", "sender", … }`. */
  smsDir: string;
  /** The `api-key` header the stand-in expects, as the real provider would. */
  apiKey: string;
}

export interface SmsStandIn {
  /** Base URL the adapter is configured with (its `SMS_API_URL`). */
  url: string;
  smsDir: string;
  stop(): Promise<void>;
}

/** What one SMS file holds. */
export interface StoredSms {
  to: string;
  text: string;
  sender: string;
  type: string;
  tag: string | null;
  messageId: number;
  reference: string;
  receivedAt: string;
  /** What the stand-in reports to the sender's `webUrl`: `hardBounce` for numbers ending in 99, `delivered` otherwise. */
  outcome: 'delivered' | 'hardBounce';
}

/** Numbers ending in 99 stand for a number that cannot take SMS: the receipt says hard bounce. */
export const bouncingNumber = (recipient: string): boolean => recipient.endsWith('99');

/**
 * A local stand-in for a French provider's transactional SMS API (Brevo's `POST /v3/transactionalSMS/send`,
 * `api-key` header): it checks the key and the body as the provider documents them, answers as it does,
 * and writes each SMS it accepts to a file instead of sending it, so people and tests can read it.
 */
export async function startSmsStandIn(options: SmsStandInOptions): Promise<SmsStandIn> {
  mkdirSync(options.smsDir, { recursive: true, mode: 0o755 });
  let sequence = Date.now() * 1000;
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => reply(res, 500, { code: 'internal_error', message: 'stand-in failure' }));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== transactionalSmsPath) return reply(res, 404, { code: 'not_found', message: 'Not found' });
    if (req.method !== 'POST') return reply(res, 405, { code: 'method_not_allowed', message: 'Method not allowed' });
    if (!sameKey(req.headers['api-key'], options.apiKey)) return reply(res, 401, { code: 'unauthorized', message: 'Key not found' });
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return reply(res, 400, { code: 'bad_request', message: 'Invalid JSON body' });
    }
    const problem = invalidField(body);
    if (problem) return reply(res, 400, { code: 'invalid_parameter', message: problem });
    const messageId = ++sequence;
    const reference = randomBytes(10).toString('hex');
    const content = body['content'] as string;
    const sms: StoredSms = {
      to: body['recipient'] as string,
      text: content,
      sender: body['sender'] as string,
      type: typeof body['type'] === 'string' ? body['type'] : 'transactional',
      tag: typeof body['tag'] === 'string' ? body['tag'] : null,
      messageId,
      reference,
      receivedAt: new Date().toISOString(),
      outcome: bouncingNumber(body['recipient'] as string) ? 'hardBounce' : 'delivered',
    };
    writeFileSync(join(options.smsDir, `${sms.receivedAt.replace(/[:.]/g, '-')}-${messageId}.json`), `${JSON.stringify(sms, null, 2)}\n`);
    const smsCount = Math.max(1, Math.ceil(content.length / 160));
    reply(res, 201, { reference, messageId, smsCount, usedCredits: smsCount * 0.045, remainingCredits: 1000 });
    // As Brevo does with `webUrl`: each event of the SMS is posted there, after the answer (the operator's
    // receipt comes later than the API's acceptance). A receiver that is down loses its receipt, as with Brevo.
    const webUrl = body['webUrl'];
    if (typeof webUrl === 'string' && /^https?:\/\//.test(webUrl)) {
      setTimeout(() => {
        void fetch(webUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: messageId, to: sms.to, messageId, msg_status: sms.outcome, event: sms.outcome, date: new Date().toISOString(), tag: sms.tag, type: 'sms' }),
          signal: AbortSignal.timeout(10_000),
        }).catch(() => undefined);
      }, 200);
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, smsDir: options.smsDir, stop: () => close(server) };
}

/** Brevo's rules: an alphanumeric sender of at most 11 characters, a recipient in international digits, some content. */
function invalidField(body: Record<string, unknown>): string | null {
  const { sender, recipient, content, type, webUrl } = body;
  if (webUrl !== undefined && (typeof webUrl !== 'string' || !/^https?:\/\//.test(webUrl))) return 'webUrl is invalid';
  if (typeof sender !== 'string' || !/^[A-Za-z0-9 ]{1,11}$/.test(sender) && !/^\d{1,15}$/.test(sender)) return 'sender is invalid';
  if (typeof recipient !== 'string' || !/^\d{8,15}$/.test(recipient)) return 'recipient is invalid';
  if (typeof content !== 'string' || content.length === 0) return 'content is missing';
  if (type !== undefined && type !== 'transactional' && type !== 'marketing') return 'type is invalid';
  return null;
}

function sameKey(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
