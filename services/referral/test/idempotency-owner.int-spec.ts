import { IdempotencyPurge } from '../src/idempotency/idempotency-purge';
import { asClient, asUser, clients, referralBody, serviceOf, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

/** The `client_id` claim of a real access token: for a person, the web app the token was obtained through. */
function clientIdOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { client_id?: string };
  return payload.client_id ?? '';
}

/**
 * Whose an Idempotency-Key is: a person's token carries the web app's `client_id`, like every colleague's,
 * so the key belongs to the account and the structure it acts for, and to the client only for software.
 */
describe('Idempotency-Key owner', () => {
  let kit: ReferralKit;
  let agent: Caller;
  let colleague: Caller;
  let integration: Caller;
  let receivingService: string;

  const post = (caller: Caller, body: Record<string, unknown>, key: string) =>
    kit.request<{ id: string }>('POST', '/v1/referrals', caller, body, { 'idempotency-key': key });
  const owners = async (key: string) => (await kit.db.query<{ owner: string }>(`SELECT owner FROM idempotency_keys WHERE key = $1`, [key])).rows.map((r) => r.owner).sort();

  beforeAll(async () => {
    kit = await startReferralKit();
    agent = await asUser(users.cafAgent);
    colleague = await asUser(users.cafAgent2);
    integration = await asClient(clients.cafIntegration);
    const receiver = await asUser(users.associationAgent);
    receivingService = serviceOf(receiver.structureId ?? '');
    await kit.seedDirectory([agent.structureId ?? '', receiver.structureId ?? '']);
  });

  afterAll(() => kit.stop());

  it('gives two agents of the same structure two referrals for the same key, and each its own replay', async () => {
    expect(agent.structureId).toBe(colleague.structureId);
    const body = referralBody(receivingService);
    const mine = await post(agent, body, 'dossier-du-guichet');
    const theirs = await post(colleague, body, 'dossier-du-guichet');
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);

    const mineAgain = await post(agent, body, 'dossier-du-guichet');
    expect(mineAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(mineAgain.body).toEqual(mine.body);
    expect((await post(colleague, body, 'dossier-du-guichet')).body).toEqual(theirs.body);

    expect(await owners('dossier-du-guichet')).toEqual([`user:${agent.structureId}:${agent.subject}`, `user:${colleague.structureId}:${colleague.subject}`]);
  });

  it('files a client-credentials key under the client', async () => {
    expect((await post(integration, referralBody(receivingService), 'logiciel-4711')).status).toBe(201);
    expect(await owners('logiciel-4711')).toEqual([`client:${clients.cafIntegration}`]);
  });

  it('still replays, to its own sender only, a key remembered before keys were scoped', async () => {
    const body = referralBody(receivingService);
    const before = await post(agent, body, 'avant-la-mise-a-jour');
    expect(before.status).toBe(201);
    // As the previous version stored it: under the client the person's token came through.
    const formerOwner = `client:${clientIdOf(agent.token)}`;
    expect(formerOwner).not.toBe('client:');
    await kit.db.query(`UPDATE idempotency_keys SET owner = $1 WHERE key = $2`, [formerOwner, 'avant-la-mise-a-jour']);

    const colleagues = await post(colleague, body, 'avant-la-mise-a-jour');
    expect(colleagues.status).toBe(201);
    expect(colleagues.body.id).not.toBe(before.body.id);

    const retried = await post(agent, body, 'avant-la-mise-a-jour');
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toEqual(before.body);
    expect(await owners('avant-la-mise-a-jour')).toEqual([`user:${agent.structureId}:${agent.subject}`, `user:${colleague.structureId}:${colleague.subject}`]);
    // Another body under the same key is refused, as it always was.
    expect((await post(agent, { ...body, urgency: 'urgent' }, 'avant-la-mise-a-jour')).status).toBe(422);
  });

  it('forgets keys past their time to live, in a job of its own', async () => {
    await post(agent, referralBody(receivingService), 'oubliee-apres-un-jour');
    const purge = kit.service.app.get(IdempotencyPurge).job;
    expect((await purge.runOnce()).ran).toBe(true);
    expect(await owners('oubliee-apres-un-jour')).toHaveLength(1);
    // Past the 24 hours of the default time to live.
    kit.clock.advanceDays(2);
    expect((await purge.runOnce()).ran).toBe(true);
    expect(await owners('oubliee-apres-un-jour')).toEqual([]);
  });
});
