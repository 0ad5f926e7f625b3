import { randomUUID } from 'node:crypto';
import { asClient, asUser, clients, referralBody, serviceOf, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

/*
 * Admission control on the real service (libs/platform admission.ts), with limits small enough that a burst
 * of creations is past what it serves: every answer is a 201 or a 503 (no other 5xx, no request left
 * hanging in a queue), every 503 says when to retry, and every 201 given is a referral in the receiver's
 * inbox afterwards — shedding happens before the transaction, never after it.
 */
describe('Overload: shedding instead of queueing', () => {
  let kit: ReferralKit;
  let sender: Caller;
  let receiver: Caller;
  let receivingService: string;

  beforeAll(async () => {
    kit = await startReferralKit({
      overrides: {
        ADMISSION_MAX_CONCURRENT: '4',
        ADMISSION_MAX_QUEUE: '4',
        // Long enough that only a full queue refuses: the test holds no timing assumption.
        ADMISSION_MAX_WAIT_MS: '10000',
        RATE_LIMIT_CLIENT_BURST: '100000',
      },
    });
    sender = await asClient(clients.cafIntegration);
    receiver = await asUser(users.associationAgent);
    receivingService = serviceOf(receiver.structureId ?? '');
    await kit.seedDirectory([sender.structureId ?? '', receiver.structureId ?? '']);
  });

  afterAll(() => kit.stop());

  it('answers a flood of creations with 201 or 503 + Retry-After only, and every 201 is in the inbox', async () => {
    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        kit.request<{ id?: string; type?: string; status?: number }>('POST', '/v1/referrals', sender, referralBody(receivingService, { reason: `Afflux ${index}` }), {
          'idempotency-key': randomUUID(),
        }),
      ),
    );
    const statuses = new Set(flood.map((result) => result.status));
    expect([...statuses].sort()).toEqual([201, 503]);
    const shed = flood.filter((result) => result.status === 503);
    for (const result of shed) {
      expect(result.headers.get('retry-after')).toBe('1');
      expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(result.body).toMatchObject({ type: 'urn:relais:problem:overloaded', status: 503 });
    }
    const accepted = flood.filter((result) => result.status === 201).map((result) => String(result.body.id));
    expect(accepted.length).toBeGreaterThanOrEqual(8);

    // Each 201 is a stored referral; the refused ones left nothing behind (no row, no event).
    // (This test's database holds only the flood's referrals.)
    const stored = await kit.db.query<{ id: string }>('SELECT id FROM referrals');
    expect(stored.rows.map((row) => row.id).sort()).toEqual([...accepted].sort());
    const events = await kit.db.query<{ n: string }>(`SELECT count(DISTINCT key) AS n FROM messaging_outbox WHERE type = 'fr.relais.referral.referral.requested.v1' AND key = ANY($1::text[])`, [accepted]);
    expect(Number(events.rows[0]?.n)).toBe(accepted.length);

    // The receiver sees every one of them, paging through its inbox.
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await kit.request('GET', `/v1/referrals?box=received&limit=100${cursor ? `&cursor=${cursor}` : ''}`, receiver);
      expect(page.status).toBe(200);
      for (const item of page.body.items) seen.add(item.id);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(accepted.filter((id) => !seen.has(id))).toEqual([]);

    // Once the burst is over, the next caller is served at once.
    expect((await kit.request('POST', '/v1/referrals', sender, referralBody(receivingService))).status).toBe(201);
  });
});
