import { asClient, asUser, clients, serviceOf, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

interface Detail {
  view: string;
  person: Record<string, unknown>;
  reason?: string | null;
  history: Array<Record<string, unknown>>;
}

describe('who sees a referral, and the audit of every read of personal data', () => {
  let kit: ReferralKit;
  const as: Record<string, Caller> = {};
  let id: string;

  beforeAll(async () => {
    kit = await startReferralKit();
    const entries: Array<[string, Promise<Caller>]> = [
      ['senderAgent', asUser(users.cafAgent)],
      ['senderColleague', asUser(users.cafAgent2)],
      ['senderIntegration', asClient(clients.cafIntegration)],
      ['receiverAgent', asUser(users.associationAgent)],
      ['receiverIntegration', asClient(clients.associationIntegration)],
      ['otherStructureSameNetwork', asUser(users.ccasLorientAgent)],
      ['otherIntegrationSameNetwork', asClient(clients.ccasLorientIntegration)],
      ['otherStructureOtherNetwork', asUser(users.pontivyAgent)],
      ['otherIntegrationOtherNetwork', asClient(clients.pontivyIntegration)],
      ['coordinatorReceivingNetwork', asUser(users.coordLorient)],
      ['coordinatorSendingNetwork', asUser(users.coordVannes)],
      ['coordinatorOtherNetwork', asUser(users.coordPontivy)],
      ['admin', asUser(users.admin)],
    ];
    for (const [name, caller] of entries) as[name] = await caller;
    await kit.seedDirectory([as['senderAgent']?.structureId ?? '', as['receiverAgent']?.structureId ?? '']);
    id = await kit.create(as['senderAgent'], serviceOf(as['receiverAgent']?.structureId ?? ''));
    await kit.move(as['receiverAgent'], id, 'received', { comment: 'Appelée le 23, rappeler jeudi' });
  });

  afterAll(() => kit.stop());

  const full = ['senderAgent', 'senderColleague', 'senderIntegration', 'receiverAgent', 'receiverIntegration'];
  const pseudonymous = ['coordinatorReceivingNetwork', 'coordinatorSendingNetwork', 'admin'];
  const hidden = ['otherStructureSameNetwork', 'otherIntegrationSameNetwork', 'otherStructureOtherNetwork', 'otherIntegrationOtherNetwork', 'coordinatorOtherNetwork'];

  it.each(full)('%s sees it in full: contact details, reason, comments', async (name) => {
    const result = await kit.request<Detail>('GET', `/v1/referrals/${id}`, as[name]);
    expect(result.status).toBe(200);
    expect(result.body.view).toBe('full');
    expect(result.body.person).toMatchObject({ firstName: 'Jeanne', lastName: 'Le Goff', phone: '+33612345678', email: 'jeanne.legoff@example.org' });
    expect(result.body.reason).toMatch(/Déclaration de revenus/);
    expect(result.body.history[1]).toMatchObject({ comment: 'Appelée le 23, rappeler jeudi' });
  });

  it.each(pseudonymous)('%s sees it without direct identifiers nor free text', async (name) => {
    const result = await kit.request<Detail>('GET', `/v1/referrals/${id}`, as[name]);
    expect(result.status).toBe(200);
    expect(result.body.view).toBe('pseudonymous');
    expect(Object.keys(result.body.person).sort()).toEqual(['contactPreference', 'reference']);
    expect(result.body).not.toHaveProperty('reason');
    const text = JSON.stringify(result.body);
    for (const secret of ['Jeanne', 'Goff', '+33612345678', 'jeanne.legoff', 'Déclaration', 'rappeler']) expect(text).not.toContain(secret);
    expect(result.body.history.map((line) => line['to'])).toEqual(['requested', 'received']);
  });

  it.each(hidden)('%s gets 404, as for a referral that does not exist', async (name) => {
    const result = await kit.request('GET', `/v1/referrals/${id}`, as[name]);
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ type: 'urn:relais:problem:not-found' });
    expect((await kit.move(as[name], id, 'cancelled')).status).toBe(404);
  });

  it('answers 401 without a token, and 404 for an unknown or malformed id', async () => {
    expect((await kit.request('GET', `/v1/referrals/${id}`, null)).status).toBe(401);
    expect((await kit.request('GET', '/v1/referrals', null)).status).toBe(401);
    expect((await kit.request('POST', '/v1/referrals', null, {})).status).toBe(401);
    expect((await kit.request('GET', '/v1/referrals/00000000-0000-4000-8000-000000000000', as['senderAgent'])).status).toBe(404);
    expect((await kit.request('GET', '/v1/referrals/not-an-id', as['senderAgent'])).status).toBe(404);
  });

  it('logs each read of personal data (who, when, which referral, which fields), never a pseudonymous read', async () => {
    const before = await kit.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log`);
    await kit.request('GET', `/v1/referrals/${id}`, as['receiverIntegration']);
    await kit.request('GET', `/v1/referrals/${id}`, as['coordinatorReceivingNetwork']);
    const after = await kit.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log`);
    expect(Number(after.rows[0]?.n) - Number(before.rows[0]?.n)).toBe(1);

    const audit = await kit.request<{ items: Array<Record<string, unknown>> }>('GET', `/v1/audit?referralId=${id}`, as['admin']);
    expect(audit.status).toBe(200);
    const latest = audit.body.items[0];
    expect(latest).toMatchObject({
      action: 'read',
      referralId: id,
      actor: { subject: 'association-lorient-integration', clientId: 'association-lorient-integration', roles: ['integration'], structureId: as['receiverIntegration']?.structureId },
      fields: ['person.firstName', 'person.lastName', 'person.phone', 'person.email', 'reason', 'history.comment'],
    });
    expect(new Date(String(latest?.['at'])).getTime()).not.toBeNaN();
    const readers = new Set(audit.body.items.map((item) => (item['actor'] as { subject: string }).subject));
    expect(readers).toEqual(new Set(['agent.caf-vannes', 'agent2.caf-vannes', 'caf-vannes-integration', 'agent.association-lorient', 'association-lorient-integration']));
    expect(JSON.stringify(audit.body)).not.toMatch(/Jeanne|Goff|\+336/);
  });

  it('pages the audit log like every list: cursor and nextCursor, the former before/nextBefore still answered', async () => {
    type AuditPage = { items: Array<{ id: string }>; nextCursor: string | null; nextBefore: string | null };
    const all = await kit.request<AuditPage>('GET', `/v1/audit?referralId=${id}`, as['admin']);
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);
    expect(all.body.nextCursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: AuditPage } = await kit.request<AuditPage>('GET', `/v1/audit?referralId=${id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, as['admin']);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((item) => item.id));
    // The former paging, for one more version.
    const first = await kit.request<AuditPage>('GET', `/v1/audit?referralId=${id}&limit=2`, as['admin']);
    const older = await kit.request<AuditPage>('GET', `/v1/audit?referralId=${id}&limit=2&before=${first.body.nextBefore ?? ''}`, as['admin']);
    expect(older.body.items.map((item) => item.id)).toEqual(seen.slice(2, 4));
    const garbage = await kit.request<{ errors: Array<{ field: string }> }>('GET', '/v1/audit?cursor=garbage', as['admin']);
    expect([garbage.status, garbage.body.errors.map((e) => e.field)]).toEqual([400, ['cursor']]);
  });

  it('keeps the audit log for administrators, and append-only', async () => {
    expect((await kit.request('GET', `/v1/audit?referralId=${id}`, as['senderAgent'])).status).toBe(403);
    expect((await kit.request('GET', `/v1/audit?referralId=${id}`, as['coordinatorReceivingNetwork'])).status).toBe(403);
    // The service's own role may only INSERT and SELECT (docs/decisions/0004-database-roles.md).
    await expect(kit.db.query(`UPDATE audit_log SET fields = '{}'`)).rejects.toThrow('permission denied for table audit_log');
    await expect(kit.db.query(`DELETE FROM audit_log`)).rejects.toThrow('permission denied for table audit_log');
  });

  it('lists the receiver’s inbox and the sender’s follow-up, each to its own structure', async () => {
    const ids = (page: { items: Array<{ id: string }> }) => page.items.map((item) => item.id);
    const inbox = await kit.request<{ items: Array<{ id: string }> }>('GET', '/v1/referrals?box=received', as['receiverAgent']);
    expect(ids(inbox.body)).toContain(id);
    expect(JSON.stringify(inbox.body)).not.toMatch(/Jeanne|Goff|Déclaration/);
    expect(ids((await kit.request<{ items: Array<{ id: string }> }>('GET', '/v1/referrals?box=sent', as['senderIntegration'])).body)).toContain(id);
    expect(ids((await kit.request<{ items: Array<{ id: string }> }>('GET', '/v1/referrals?box=received', as['senderAgent'])).body)).not.toContain(id);
    expect(ids((await kit.request<{ items: Array<{ id: string }> }>('GET', '/v1/referrals?box=received', as['otherStructureSameNetwork'])).body)).toEqual([]);
    expect(ids((await kit.request<{ items: Array<{ id: string }> }>('GET', '/v1/referrals?box=network', as['coordinatorReceivingNetwork'])).body)).toContain(id);
    expect(ids((await kit.request<{ items: Array<{ id: string }> }>('GET', '/v1/referrals', as['coordinatorOtherNetwork'])).body)).toEqual([]);
    expect((await kit.request('GET', '/v1/referrals?box=received', as['coordinatorReceivingNetwork'])).status).toBe(403);
    expect((await kit.request('GET', '/v1/referrals?box=network', as['receiverAgent'])).status).toBe(403);
    expect((await kit.request('GET', '/v1/referrals?box=elsewhere', as['receiverAgent'])).status).toBe(400);
  });

  it('pages with a cursor, newest first, and filters by status and lateness', async () => {
    const sender = as['senderAgent'];
    const receiver = as['receiverAgent'];
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      kit.clock.advance(1000);
      created.push(await kit.create(sender, serviceOf(receiver.structureId ?? '')));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await kit.request('GET', `/v1/referrals?box=sent&limit=2${cursor ? `&cursor=${cursor}` : ''}`, sender);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 5)).toEqual([...created].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(id);
    expect((await kit.request('GET', '/v1/referrals?cursor=garbage', sender)).status).toBe(400);

    const requested = await kit.request<{ items: Array<{ id: string; status: string }> }>('GET', '/v1/referrals?box=received&status=received', receiver);
    expect(requested.body.items.map((item) => item.id)).toEqual([id]);

    expect((await kit.request<{ items: unknown[] }>('GET', '/v1/referrals?box=received&overdue=true', receiver)).body.items).toEqual([]);
    // Three days later (Thursday 26), the five still unacknowledged referrals are late; the acknowledged one is not (yet).
    kit.clock.advanceDays(3);
    const late = await kit.request<{ items: Array<{ id: string; deadlines: { overdue: boolean } }> }>('GET', '/v1/referrals?box=received&overdue=true', receiver);
    expect(late.body.items.map((item) => item.id).sort()).toEqual([...created].sort());
    expect(late.body.items.every((item) => item.deadlines.overdue)).toBe(true);
    const onTime = await kit.request<{ items: Array<{ id: string }> }>('GET', '/v1/referrals?box=received&overdue=false', receiver);
    expect(onTime.body.items.map((item) => item.id)).toEqual([id]);
  });
});
