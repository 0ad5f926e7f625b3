import { randomUUID } from 'node:crypto';
import type { TestService } from '@relais/testing';
import { DataSource } from 'typeorm';
import { advisoryLocks } from '@relais/persistence';
import { FreshnessService } from '../src/freshness/freshness.service';
import { api, consumeTopics, eventually, startDirectory, tokens } from './support';

describe('directory freshness', () => {
  let directory: TestService;
  let call: ReturnType<typeof api>;
  let kafka: Awaited<ReturnType<typeof consumeTopics>>;
  const network = randomUUID();
  let structureId: string;
  let serviceId: string;

  beforeAll(async () => {
    directory = await startDirectory({ DIRECTORY_FRESHNESS_MAX_AGE_DAYS: '180', DIRECTORY_REMINDER_INTERVAL_DAYS: '30' });
    call = api(directory.url);
    kafka = await consumeTopics(directory.env['KAFKA_TOPIC_PREFIX'] ?? '', ['relais.directory.verification.v1']);
    const admin = await tokens.admin();
    await call('POST', '/v1/networks', { token: admin, body: { id: network, name: 'Pays de Vannes', communeCodes: ['56260'] } });
    structureId = ((await call('POST', '/v1/structures', { token: admin, body: { name: 'CCAS de Vannes', typology: 'CCAS', networkIds: [network] } })).body as { id: string }).id;
    serviceId = ((await call('POST', '/v1/services', { token: admin, body: { structureId, name: 'Accueil social', roles: ['orientation'] } })).body as { id: string }).id;
  });

  afterAll(async () => {
    await kafka?.stop();
    await directory?.stop();
  });

  it('flags records older than the configured age and reminds their structure once per interval', async () => {
    const freshness = directory.app.get(FreshnessService);
    expect((await freshness.remindStaleStructures()).reminded).toEqual([]);
    // A year without confirmation.
    const longAgo = new Date(Date.now() - 365 * 86_400_000).toISOString();
    await directory.app.get(DataSource).query(`UPDATE offer SET last_verified_at = $1 WHERE id = $2`, [longAgo, serviceId]);

    const search = (await call('GET', '/v1/services?q=accueil')).body as { items: Array<{ id: string; stale: boolean }> };
    expect(search.items.find((i) => i.id === serviceId)?.stale).toBe(true);
    expect((await call('GET', `/v1/services/${serviceId}`)).body).toMatchObject({ freshness: { stale: true } });

    expect((await freshness.remindStaleStructures()).reminded).toEqual([structureId]);
    // Reminded already: not again before the reminder interval.
    expect((await freshness.remindStaleStructures()).reminded).toEqual([]);
    expect((await freshness.remindStaleStructures(new Date(Date.now() + 31 * 86_400_000))).reminded).toEqual([structureId]);

    await eventually(
      () => {
        const event = kafka.events.find((e) => e.key === structureId);
        expect(event?.type).toBe('fr.relais.directory.structure.verification-due.v1');
        expect(event?.payload).toMatchObject({
          structureId,
          networkIds: [network],
          maxAgeDays: 180,
          staleRecords: [{ kind: 'service', id: serviceId, lastVerifiedAt: longAgo }],
        });
      },
      { timeoutMs: 30_000 },
    );
  });

  it('is confirmed by the structure itself, which clears the flag', async () => {
    const agent = await tokens.agent('agent.ccas-vannes');
    // The demo agent belongs to another structure id: it may not confirm this one.
    expect((await call('POST', `/v1/structures/${structureId}/verification`, { token: agent.token })).status).toBe(403);
    const confirmed = await call('POST', `/v1/structures/${structureId}/verification`, { token: await tokens.admin() });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ freshness: { stale: false } });
    expect((await call('GET', `/v1/services/${serviceId}`)).body).toMatchObject({ freshness: { stale: false } });
    expect((await directory.app.get(FreshnessService).remindStaleStructures(new Date(Date.now() + 40 * 86_400_000))).reminded).toEqual([]);
  });

  it('skips a round while another replica holds the sweep’s advisory lock', async () => {
    const other = directory.app.get(DataSource).createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      await other.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.directoryFreshnessReminders]);
      expect(await directory.app.get(FreshnessService).remindStaleStructures()).toEqual({ ran: false, reminded: [] });
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
    expect((await directory.app.get(FreshnessService).remindStaleStructures()).ran).toBe(true);
  });
});
