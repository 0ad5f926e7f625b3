import { TransactionHost } from '@relais/persistence';
import { Idempotency } from '../src/idempotency/idempotency';
import { asClient, asUser, clients, referralBody, serviceOf, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

describe('Idempotency-Key on creation', () => {
  let kit: ReferralKit;
  let integration: Caller;
  let colleague: Caller;
  let receivingService: string;

  beforeAll(async () => {
    kit = await startReferralKit();
    integration = await asClient(clients.cafIntegration);
    colleague = await asUser(users.cafAgent);
    const receiver = await asUser(users.associationAgent);
    receivingService = serviceOf(receiver.structureId ?? '');
    await kit.seedDirectory([integration.structureId ?? '', receiver.structureId ?? '']);
  });

  afterAll(() => kit.stop());

  const count = async (personRef: string) =>
    Number((await kit.db.query<{ n: string }>(`SELECT count(*) AS n FROM referrals WHERE person_ref = $1`, [personRef])).rows[0]?.n);

  it('answers the same key and body with the same 201, creating one referral', async () => {
    const body = referralBody(receivingService);
    const first = await kit.request('POST', '/v1/referrals', integration, body, { 'idempotency-key': 'caf-dossier-4711' });
    const again = await kit.request('POST', '/v1/referrals', integration, body, { 'idempotency-key': 'caf-dossier-4711' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same JSON, keys in another order: the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await kit.request('POST', '/v1/referrals', integration, reordered, { 'idempotency-key': 'caf-dossier-4711' })).body).toEqual(first.body);
    expect(await count(String(first.body['personReference']))).toBe(1);
  });

  it('refuses the same key with another body (422), and creates nothing', async () => {
    const body = referralBody(receivingService);
    const first = await kit.request('POST', '/v1/referrals', integration, body, { 'idempotency-key': 'caf-dossier-4712' });
    expect(first.status).toBe(201);
    const other = { ...body, urgency: 'urgent' };
    const reused = await kit.request('POST', '/v1/referrals', integration, other, { 'idempotency-key': 'caf-dossier-4712' });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ type: 'urn:relais:problem:idempotency-key-reused' });
    expect(await count(String(first.body['personReference']))).toBe(1);
  });

  it('creates one referral when the same request races with itself', async () => {
    const body = referralBody(receivingService);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => kit.request<{ id: string }>('POST', '/v1/referrals', integration, body, { 'idempotency-key': 'caf-dossier-race' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await count(String((results[0]?.body as { personReference?: string } | undefined)?.personReference))).toBe(1);
  });

  it('keeps keys per caller, forgets a failed attempt, and refuses a malformed key', async () => {
    const body = referralBody(receivingService);
    const mine = await kit.request<{ id: string }>('POST', '/v1/referrals', integration, body, { 'idempotency-key': 'shared-key' });
    const theirs = await kit.request<{ id: string }>('POST', '/v1/referrals', colleague, body, { 'idempotency-key': 'shared-key' });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);

    const refused = await kit.request('POST', '/v1/referrals', integration, referralBody('56000000-0000-4000-a100-0000000000ff'), { 'idempotency-key': 'failed-once' });
    expect(refused.status).toBe(422);
    expect((await kit.request('POST', '/v1/referrals', integration, referralBody(receivingService), { 'idempotency-key': 'failed-once' })).status).toBe(201);

    expect((await kit.request('POST', '/v1/referrals', integration, body, { 'idempotency-key': 'clé avec espaces' })).status).toBe(400);
  });

  it('forgets a key after its time to live', async () => {
    const body = referralBody(receivingService);
    const first = await kit.request<{ id: string }>('POST', '/v1/referrals', integration, body, { 'idempotency-key': 'old-key' });
    kit.clock.advance(25 * 3_600_000);
    const later = await kit.request<{ id: string }>('POST', '/v1/referrals', integration, { ...body, urgency: 'urgent' }, { 'idempotency-key': 'old-key' });
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
  });

  it('forgets keys past their time to live and says how many (purgeExpired, for the periodic purge)', async () => {
    const body = referralBody(receivingService);
    expect((await kit.request('POST', '/v1/referrals', integration, body, { 'idempotency-key': 'caf-dossier-purge' })).status).toBe(201);
    const [row] = (await kit.db.query<{ created_at: Date }>(`SELECT created_at FROM idempotency_keys WHERE key = 'caf-dossier-purge'`)).rows;
    const purgeAt = (now: Date) => kit.service.app.get(TransactionHost).withTransaction(() => kit.service.app.get(Idempotency).purgeExpired(now));
    const createdAt = row?.created_at ?? new Date(0);
    // Still within its 24 h: kept.
    await purgeAt(new Date(createdAt.getTime() + 23 * 3_600_000));
    expect((await kit.db.query(`SELECT 1 FROM idempotency_keys WHERE key = 'caf-dossier-purge'`)).rowCount).toBe(1);
    // Every key of this file is older than a day by then: all are forgotten, and counted.
    const total = Number((await kit.db.query<{ n: string }>(`SELECT count(*) AS n FROM idempotency_keys`)).rows[0]?.n);
    expect(await purgeAt(new Date(createdAt.getTime() + 25 * 3_600_000))).toBe(total);
    expect((await kit.db.query(`SELECT 1 FROM idempotency_keys WHERE key = 'caf-dossier-purge'`)).rowCount).toBe(0);
  });
});
