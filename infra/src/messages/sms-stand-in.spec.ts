import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmsStandIn, transactionalSmsPath, type SmsStandIn, type StoredSms } from './sms-stand-in';

describe('the SMS stand-in (Brevo transactional SMS API)', () => {
  let standIn: SmsStandIn;
  const dir = mkdtempSync(join(tmpdir(), 'relais-sms-'));
  const send = (body: unknown, key = 'the-key') =>
    fetch(`${standIn.url}${transactionalSmsPath}`, { method: 'POST', headers: { 'api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    standIn = await startSmsStandIn({ port: 0, smsDir: dir, apiKey: 'the-key' });
  });

  afterAll(async () => {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts an SMS as Brevo does and writes it as one JSON file', async () => {
    const response = await send({ sender: 'Relais', recipient: '33612345678', content: 'Bonjour', type: 'transactional', tag: 'receiver-requested' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { messageId: number; reference: string; smsCount: number };
    expect(body).toMatchObject({ smsCount: 1, messageId: expect.any(Number) as number, reference: expect.any(String) as string });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const stored = JSON.parse(readFileSync(join(dir, files[0] ?? ''), 'utf8')) as StoredSms;
    expect(stored).toMatchObject({ to: '33612345678', text: 'Bonjour', sender: 'Relais', tag: 'receiver-requested', messageId: body.messageId });
  });

  it('refuses a wrong key (401) and a bad body (400), writing nothing', async () => {
    const before = readdirSync(dir).length;
    expect((await send({ sender: 'Relais', recipient: '33612345678', content: 'x' }, 'wrong')).status).toBe(401);
    expect((await send({ sender: 'Relais', recipient: '06 12', content: 'x' })).status).toBe(400);
    expect((await send({ sender: 'Un expéditeur trop long', recipient: '33612345678', content: 'x' })).status).toBe(400);
    expect((await send({ sender: 'Relais', recipient: '33612345678', content: '' })).status).toBe(400);
    expect(readdirSync(dir)).toHaveLength(before);
  });

  it('posts each SMS’s receipt to its webUrl, as Brevo does: delivered, or a hard bounce for numbers ending in 99', async () => {
    const receipts: Array<{ url: string; body: { msg_status: string; messageId: number } }> = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        receipts.push({ url: req.url ?? '', body: JSON.parse(text) as { msg_status: string; messageId: number } });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    try {
      const ok = (await (await send({ sender: 'Relais', recipient: '33612345678', content: 'a', webUrl: `http://127.0.0.1:${port}/r/one` })).json()) as { messageId: number };
      const bounced = (await (await send({ sender: 'Relais', recipient: '33612345699', content: 'b', webUrl: `http://127.0.0.1:${port}/r/two` })).json()) as { messageId: number };
      expect((await send({ sender: 'Relais', recipient: '33612345678', content: 'c', webUrl: 'ftp://nope' })).status).toBe(400);
      const deadline = Date.now() + 10_000;
      while (receipts.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(receipts.map((r) => [r.url, r.body.msg_status, r.body.messageId]).sort()).toEqual([
        ['/r/one', 'delivered', ok.messageId],
        ['/r/two', 'hardBounce', bounced.messageId],
      ]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
