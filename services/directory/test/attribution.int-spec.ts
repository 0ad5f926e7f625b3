import { clientToken, type TestService } from '@relais/testing';
import { Client } from 'pg';
import { api, consumeTopics, eventually, startDirectory, tokens } from './support';

interface WithFreshness {
  freshness: { lastVerifiedBy: string | null };
}

/**
 * Who changed a record is kept per account and structure (`user:<structure>:<sub>`, `client:<id>`), and shown
 * whole only to those who answer for the record and to the structure's own accounts: the public, other
 * structures and events see the kind of actor and its structure, never an account id.
 */
describe('attribution of directory changes', () => {
  let directory: TestService;
  let db: Client;
  let call: ReturnType<typeof api>;
  let kafka: Awaited<ReturnType<typeof consumeTopics>>;
  let admin: string;
  let coordVannes: string;
  let agent: string;
  let colleague: string;
  let integration: string;
  let cafId: string;
  let vannesId: string;
  let serviceId: string;

  const storedBy = async (table: 'structure' | 'offer', id: string) =>
    (await db.query<{ last_verified_by: string }>(`SELECT last_verified_by FROM ${table} WHERE id = $1`, [id])).rows[0]?.last_verified_by;

  beforeAll(async () => {
    directory = await startDirectory();
    call = api(directory.url);
    db = new Client({ connectionString: directory.env['DATABASE_URL'] });
    await db.connect();
    kafka = await consumeTopics(directory.env['KAFKA_TOPIC_PREFIX'] ?? '', ['relais.directory.structure.v1']);
    admin = await tokens.admin();
    const coordinator = await tokens.coordinator('coord.vannes');
    coordVannes = coordinator.token;
    vannesId = coordinator.user.networkIds[0] ?? '';
    const first = await tokens.agent('agent.caf-vannes');
    agent = first.token;
    cafId = first.user.structureId ?? '';
    colleague = (await tokens.agent('agent2.caf-vannes')).token;
    integration = (await clientToken((c) => c.clientId === 'caf-vannes-integration')).token;

    expect((await call('POST', '/v1/networks', { token: admin, body: { id: vannesId, name: 'Pays de Vannes', communeCodes: ['56260'] } })).status).toBe(201);
    expect((await call('POST', '/v1/structures', { token: admin, body: { id: cafId, name: 'CAF — accueil de Vannes', typology: 'CAF', networkIds: [vannesId], communeCode: '56260' } })).status).toBe(201);
    const service = await call('POST', '/v1/services', {
      token: admin,
      body: { structureId: cafId, name: 'Accueil numérique', roles: ['accompagnement'], capacity: { openSlotsPerWeek: 4, waitingDays: 2 } },
    });
    expect(service.status).toBe(201);
    serviceId = (service.body as { id: string }).id;
  });

  afterAll(async () => {
    await kafka?.stop();
    await db?.end();
    await directory?.stop();
  });

  it('records a person’s change under its structure and account, whatever client its token came through', async () => {
    const changed = await call('PUT', `/v1/services/${serviceId}/capacity`, { token: agent, body: { openSlotsPerWeek: 2, waitingDays: 5 } });
    expect(changed.status).toBe(200);
    expect(await storedBy('offer', serviceId)).toBe(`user:${cafId}:agent.caf-vannes`);
    // The actor sees itself, a colleague of the same structure sees who it was (the figures did not change).
    expect((changed.body as WithFreshness).freshness.lastVerifiedBy).toBe(`user:${cafId}:agent.caf-vannes`);
    const same = await call('PUT', `/v1/services/${serviceId}/capacity`, { token: colleague, body: { openSlotsPerWeek: 2, waitingDays: 5 } });
    expect((same.body as WithFreshness).freshness.lastVerifiedBy).toBe(`user:${cafId}:agent.caf-vannes`);
    // The public sees that someone of the CAF confirmed it, not who.
    expect(((await call('GET', `/v1/services/${serviceId}`)).body as WithFreshness).freshness.lastVerifiedBy).toBe(`user:${cafId}`);
  });

  it('records software by its client, and two accounts of one structure apart', async () => {
    await call('PUT', `/v1/services/${serviceId}/capacity`, { token: integration, body: { openSlotsPerWeek: 1, waitingDays: 9 } });
    expect(await storedBy('offer', serviceId)).toBe('client:caf-vannes-integration');
    expect(((await call('GET', `/v1/services/${serviceId}`)).body as WithFreshness).freshness.lastVerifiedBy).toBe('client');
    await call('PUT', `/v1/services/${serviceId}/capacity`, { token: colleague, body: { openSlotsPerWeek: 3, waitingDays: 1 } });
    expect(await storedBy('offer', serviceId)).toBe(`user:${cafId}:agent2.caf-vannes`);
  });

  it('shows the account to the network’s coordinator, and never puts it in an event', async () => {
    const verified = await call('POST', `/v1/structures/${cafId}/verification`, { token: agent });
    expect(verified.status).toBe(200);
    expect(await storedBy('structure', cafId)).toBe(`user:${cafId}:agent.caf-vannes`);
    // The same name again changes nothing: the coordinator's answer shows who confirmed last, in full.
    const unchanged = await call('PATCH', `/v1/structures/${cafId}`, { token: coordVannes, body: { name: 'CAF — accueil de Vannes' } });
    expect(unchanged.status).toBe(200);
    expect((unchanged.body as WithFreshness).freshness.lastVerifiedBy).toBe(`user:${cafId}:agent.caf-vannes`);
    expect(((await call('GET', `/v1/structures/${cafId}`)).body as WithFreshness).freshness.lastVerifiedBy).toBe(`user:${cafId}`);

    await eventually(
      () => {
        const snapshots = kafka.events.filter((e) => e.key === cafId);
        expect(snapshots.at(-1)?.payload).toMatchObject({ lastVerifiedBy: `user:${cafId}` });
        expect(JSON.stringify(snapshots)).not.toMatch(/agent\.caf-vannes|relais-admin/);
      },
      { timeoutMs: 30_000 },
    );
  });
});
