import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutgoingMessage } from '../messages/channels/message-channel';
import { WebhookChannel } from './webhook-channel';
import { newWebhookSecret, verifyWebhook } from './webhook-signature';

describe('the webhook channel of the one port', () => {
  let server: Server;
  let url: string;
  let answer = 204;
  const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const secret = newWebhookSecret();
  const message = (): OutgoingMessage => ({
    messageId: 'evt-1',
    address: url,
    subject: null,
    text: JSON.stringify({ specversion: '1.0', id: 'evt-1', type: 'fr.relais.referral.referral.requested.v1' }),
    html: null,
    smsText: null,
    tag: 'cloudevent',
    receiptUrl: null,
    signingSecret: secret,
  });

  it('posts the CloudEvent signed with the subscription secret, the event id as webhook-id; a 2xx is delivered', async () => {
    answer = 204;
    expect(await new WebhookChannel({ environment: 'development' }).send(message())).toEqual({ kind: 'delivered' });
    const last = seen.at(-1);
    expect(last?.headers['webhook-id']).toBe('evt-1');
    expect(verifyWebhook(secret, 'evt-1', Number(last?.headers['webhook-timestamp']), last?.body ?? '', String(last?.headers['webhook-signature']))).toBe(true);
    expect(last?.body).toBe(message().text);
  });

  it('says retry with a generic reason when the receiver fails, and refuses a loopback address in production', async () => {
    answer = 503;
    expect(await new WebhookChannel({ environment: 'development' }).send(message())).toEqual({ kind: 'retry', reason: 'HTTP 5xx' });
    const before = seen.length;
    expect(await new WebhookChannel({ environment: 'production' }).send(message())).toEqual({ kind: 'retry', reason: 'adresse refusée' });
    expect(seen).toHaveLength(before);
  });

  it('refuses a message without its body or secret (erased, or a subscription gone)', async () => {
    expect(await new WebhookChannel({ environment: 'development' }).send({ ...message(), text: null })).toMatchObject({ kind: 'refused' });
  });
});
