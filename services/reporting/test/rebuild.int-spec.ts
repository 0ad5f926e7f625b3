import { randomUUID } from 'node:crypto';
import { issuePersonRef, type EventPayload, type EventType } from '@relais/contracts';
import { networkSnapshot, serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/demo';
import { cloudEventRecord, startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { withApplicationContext } from '@relais/platform';
import { eventually, standInTarget, startTestService, testKafkaClient, userToken, type TestService } from '@relais/testing';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';
import { ProjectionRebuild, type RebuildPhase, type RebuildReport } from '../src/rebuild/projection-rebuild';

const HOUR = 3_600_000;
const rollupTables = ['referral_stage', 'referral_theme', 'delay', 'journey', 'network_stage', 'network_delay', 'network_journey', 'structure_stage', 'structure_acknowledgement'].flatMap(
  (table) => [`${table}_daily`, `${table}_monthly`],
);

/**
 * `reporting:rebuild` against the running service: referrals driven through their lifecycle (one event published
 * twice under its id), the figures read, the projections rebuilt from the topics while the service answers and
 * its consumer applies an event published meanwhile, then the same figures and the same rollup rows again.
 */
describe('reporting: rebuild of the projections from the topics', () => {
  let reporting: TestService;
  let directory: StandInPublisher;
  let referral: StandInPublisher;
  let producer: Producer;
  const targets: Array<{ drop(): Promise<void> }> = [];
  let db: Client;
  let distinctEvents = 0;

  const { vannes, ploermel } = DEMO_NETWORKS;
  const sender = DEMO_STRUCTURES.cafVannes;
  const receiver = DEMO_STRUCTURES.ccasVannes;
  const other = DEMO_STRUCTURES.mediathequePloermel;
  const accompaniment = serviceSnapshot({ structureId: receiver.id, roles: ['accompagnement'], networkIds: [vannes.id], lieux: [] });
  const reading = serviceSnapshot({ structureId: other.id, roles: ['formation'], networkIds: [ploermel.id], lieux: [] });
  const now = Date.now();
  const t0 = now - 3 * 24 * HOUR;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const day = (ms: number): string => new Date(ms).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  const period = `from=${day(t0)}&to=${day(now)}`;
  const by = { role: 'agent' as const, structureId: receiver.id, subject: 'agent' };

  async function publishAs<T extends EventType>(publisher: StandInPublisher, type: T, payload: EventPayload<T>): Promise<void> {
    distinctEvents++;
    await publisher.publish(type, payload);
  }
  const parties = (serviceId: string, structureId: string, networkId: string) => ({
    referralId: randomUUID(),
    personRef: issuePersonRef(),
    sendingStructureId: sender.id,
    receivingStructureId: structureId,
    receivingServiceId: serviceId,
    networkId,
  });
  const requested = (p: ReturnType<typeof parties>, at: number): EventPayload<'fr.relais.referral.referral.requested.v1'> => ({
    ...p,
    previousReferralId: null,
    needs: ['numerique--prendre-en-main-un-ordinateur'],
    urgency: 'normal',
    assessmentId: null,
    consent: { scope: ['contact'], method: 'oral', expiresAt: null },
    acknowledgeDueAt: iso(at + 24 * HOUR),
    firstContactDueAt: iso(at + 48 * HOUR),
    by,
    at: iso(at),
  });
  type Move = 'received' | 'accepted' | 'rejected' | 'redirected' | 'started' | 'completed' | 'expired';
  const statusOf = { received: 'received', accepted: 'accepted', rejected: 'rejected', redirected: 'redirected', started: 'in-progress', completed: 'completed', expired: 'expired' } as const;
  const transition = (p: ReturnType<typeof parties>, what: Move, from: string, at: number, extra: { nextStep?: string; redirectedTo?: string } = {}): EventPayload<'fr.relais.referral.referral.received.v1'> => ({
    ...p,
    from: from as 'requested',
    to: statusOf[what],
    reasonCode: what === 'rejected' ? 'plus-de-capacite' : null,
    outcome: what === 'completed' ? { summary: null, autonomyGained: 'partiel', nextStep: extra.nextStep ?? null } : null,
    redirectedToReferralId: extra.redirectedTo ?? null,
    by,
    at: iso(at),
  });
  const move = (p: ReturnType<typeof parties>, what: Move, from: string, at: number, extra: { nextStep?: string; redirectedTo?: string } = {}): Promise<void> =>
    publishAs(referral, `fr.relais.referral.referral.${what}.v1`, transition(p, what, from, at, extra));

  async function appliedAll(): Promise<void> {
    await eventually(
      async () => {
        const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM messaging_inbox`);
        expect(Number(rows.rows[0]?.n)).toBe(distinctEvents);
      },
      { timeoutMs: 120_000 },
    );
  }

  beforeAll(async () => {
    reporting = await startTestService(service, readConfig, (config) => AppModule.forRoot(config));
    const prefix = reporting.env['KAFKA_TOPIC_PREFIX'] ?? '';
    const start = async (name: 'directory' | 'referral'): Promise<StandInPublisher> => {
      const target = await standInTarget(`${name}_rebuild`);
      targets.push(target);
      return startStandInPublisher({ service: name, ...target, topicPrefix: prefix });
    };
    directory = await start('directory');
    referral = await start('referral');
    producer = new Kafka({ clientId: 'rebuild-test', ...testKafkaClient(), logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    db = new Client({ connectionString: reporting.env['DATABASE_URL'] });
    await db.connect();

    for (const network of [vannes, ploermel]) await publishAs(directory, 'fr.relais.directory.network.snapshot.v1', networkSnapshot({ networkId: network.id, name: network.name }));
    for (const structure of [sender, receiver, other]) {
      await publishAs(directory, 'fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId: structure.id, name: structure.name, networkIds: [structure === other ? ploermel.id : vannes.id], communeCode: structure.communeCode }));
    }
    await publishAs(directory, 'fr.relais.directory.service.snapshot.v1', accompaniment);
    await publishAs(directory, 'fr.relais.directory.service.snapshot.v1', reading);
    await eventually(async () => {
      const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM directory_services`);
      expect(Number(rows.rows[0]?.n)).toBe(2);
    });
    for (let i = 0; i < 12; i++) {
      const p = parties(accompaniment.serviceId, receiver.id, vannes.id);
      await publishAs(referral, 'fr.relais.referral.referral.requested.v1', requested(p, t0));
      if (i % 4 === 3) {
        await move(p, 'expired', 'requested', t0 + 30 * HOUR);
        continue;
      }
      await move(p, 'received', 'requested', t0 + (1 + i) * HOUR);
      if (i % 4 === 2) {
        await move(p, 'rejected', 'received', t0 + 20 * HOUR);
        continue;
      }
      await move(p, 'accepted', 'received', t0 + 22 * HOUR);
      await move(p, 'started', 'accepted', t0 + (30 + i) * HOUR);
      if (i % 4 === 0) await move(p, 'completed', 'in-progress', t0 + 60 * HOUR);
    }
    // A redirect picked up, a completion with a next step followed by the person's next referral, an erased person.
    const redirected = parties(accompaniment.serviceId, receiver.id, vannes.id);
    const redirectedTo = { ...parties(accompaniment.serviceId, receiver.id, vannes.id), personRef: redirected.personRef };
    await publishAs(referral, 'fr.relais.referral.referral.requested.v1', requested(redirected, t0));
    await move(redirected, 'received', 'requested', t0 + HOUR);
    await move(redirected, 'redirected', 'received', t0 + 2 * HOUR, { redirectedTo: redirectedTo.referralId });
    await publishAs(referral, 'fr.relais.referral.referral.requested.v1', { ...requested(redirectedTo, t0 + 2 * HOUR), previousReferralId: redirected.referralId });
    await move(redirectedTo, 'received', 'requested', t0 + 3 * HOUR);
    const followed = parties(accompaniment.serviceId, receiver.id, vannes.id);
    await publishAs(referral, 'fr.relais.referral.referral.requested.v1', requested(followed, t0));
    await move(followed, 'received', 'requested', t0 + HOUR);
    await move(followed, 'completed', 'received', t0 + 40 * HOUR, { nextStep: 'Atelier CV' });
    await publishAs(referral, 'fr.relais.referral.referral.requested.v1', requested({ ...parties(accompaniment.serviceId, receiver.id, vannes.id), personRef: followed.personRef }, t0 + 50 * HOUR));
    const erased = parties(accompaniment.serviceId, receiver.id, vannes.id);
    await publishAs(referral, 'fr.relais.referral.referral.requested.v1', requested(erased, t0));
    await move(erased, 'received', 'requested', t0 + 2 * HOUR);
    // As the referral service erases: one event per referral on its topic (ordered with the referral's events, which a
    // replay reads in their order), one for the person on the person topic (which a replay may read before or after).
    await publishAs(referral, 'fr.relais.referral.referral.person-erased.v1', { ...erased, at: iso(t0 + 3 * HOUR) });
    await publishAs(referral, 'fr.relais.referral.person.erased.v1', { personRef: erased.personRef, by, at: iso(t0 + 3 * HOUR) });
    // One request published twice under the same id (an outbox relayed twice): one referral, in both versions.
    const twice = cloudEventRecord('fr.relais.referral.referral.requested.v1', requested(parties(accompaniment.serviceId, receiver.id, vannes.id), t0 + HOUR));
    for (let i = 0; i < 2; i++) await producer.send({ topic: `${prefix}${twice.topic}`, messages: [{ key: twice.key, value: twice.value, headers: twice.headers }] });
    distinctEvents++;
    // Records met again much later, as Kafka redelivers a batch whose offsets were not committed: the early records of
    // a referral, then the same records again after the others, each time in a batch (and a transaction) of its own.
    const again = parties(accompaniment.serviceId, receiver.id, vannes.id);
    const redelivered = [
      cloudEventRecord('fr.relais.referral.referral.requested.v1', requested(again, t0)),
      cloudEventRecord('fr.relais.referral.referral.received.v1', transition(again, 'received', 'requested', t0 + 4 * HOUR)),
      cloudEventRecord('fr.relais.referral.referral.accepted.v1', transition(again, 'accepted', 'received', t0 + 5 * HOUR)),
    ];
    const sendAll = () => producer.send({ topic: `${prefix}${redelivered[0]?.topic ?? ''}`, messages: redelivered.map((record) => ({ key: record.key, value: record.value, headers: record.headers })) });
    await sendAll();
    distinctEvents += redelivered.length;
    await appliedAll();
    await sendAll();
    await appliedAll();
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await producer?.disconnect();
    for (const publisher of [directory, referral]) await publisher?.stop();
    for (const target of targets) await target.drop();
    await reporting?.stop();
  });

  async function read(path: string, token: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${reporting.url}/v1/${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json() };
  }
  const views = ['funnel', 'delays', 'continuity', 'structures'];
  async function figures(): Promise<Record<string, unknown>> {
    const coordinator = (await userToken((u) => u.roles.includes('coordinator') && u.networkIds.includes(vannes.id))).token;
    const agent = (await userToken((u) => u.roles.includes('agent') && u.structureId === receiver.id)).token;
    const seen: Record<string, unknown> = {};
    for (const view of views) {
      seen[view] = (await read(`networks/${vannes.id}/${view}?${period}`, coordinator)).body;
      // The receiving structure's own figures: nothing hidden under 5.
      seen[`${view}:own`] = (await read(`networks/${vannes.id}/${view}?${period}&structure=${receiver.id}`, agent)).body;
    }
    return seen;
  }
  async function rollupRows(): Promise<Record<string, string>> {
    const rows: Record<string, string> = {};
    for (const table of rollupTables) {
      const result = await db.query<{ rows: string | null }>(`SELECT string_agg(t::text, ';' ORDER BY t::text) AS rows FROM ${table} t WHERE network_id = $1`, [vannes.id]);
      rows[table] = result.rows[0]?.rows ?? '';
    }
    return rows;
  }
  /** Every projection table row for row (all but the messaging library's, the migrations' and the rebuild's own), without rows naming `except`. */
  async function projectionTables(except?: string): Promise<Record<string, string>> {
    const tables = await db.query<{ table: string }>(
      `SELECT tablename AS table FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'messaging\\_%' AND tablename NOT IN ('migrations', 'replayed_events') ORDER BY 1`,
    );
    const rows: Record<string, string> = {};
    for (const { table } of tables.rows) {
      const result = await db.query<{ rows: string | null }>(`SELECT string_agg(t::text, ';' ORDER BY t::text) AS rows FROM ${table} t WHERE $1::text IS NULL OR t::text NOT LIKE '%' || $1 || '%'`, [except ?? null]);
      rows[table] = result.rows[0]?.rows ?? '';
    }
    return rows;
  }
  async function rebuild(onProgress: (phase: RebuildPhase) => void = () => undefined, options: { deltaRowsBeforeFlush?: number } = {}): Promise<RebuildReport> {
    const config = readConfig(reporting.env);
    return withApplicationContext(AppModule.forRoot({ ...config, RELAIS_SERVICE_ROLE: 'api', METRICS_PORT: 0 }), (app): Promise<RebuildReport> => app.get(ProjectionRebuild).run(onProgress, options));
  }

  it('rebuilds the same figures from the topics while the service answers, and switches to them at once', async () => {
    const before = await figures();
    const rowsBefore = await rollupRows();
    // Rows of Ploërmel change meanwhile (the event published during the rebuild): compared in the second rebuild below.
    const tablesBefore = await projectionTables(ploermel.id);
    expect(Object.keys(tablesBefore)).toEqual(expect.arrayContaining(['referral_state', 'journey_pending', 'activity_daily', 'commune_monthly', 'assessment_daily', ...rollupTables]));
    // The three rejections wait for a next referral; the next step was followed.
    expect(tablesBefore['journey_pending']?.split(';').map((row) => row.split(',')[1])).toEqual(['rejected', 'rejected', 'rejected']);
    expect(rowsBefore['journey_daily']).toContain('redirect-picked-up');
    expect(rowsBefore['journey_daily']).toContain('next-step-followed');
    expect((before['funnel'] as { stages: Record<string, number | null> }).stages['requested']).toBe(19);
    expect(rowsBefore['referral_stage_daily']).not.toBe('');

    const during: Array<Promise<{ status: number; body: unknown }>> = [];
    const phases = new Set<RebuildPhase>();
    const coordinator = (await userToken((u) => u.roles.includes('coordinator') && u.networkIds.includes(vannes.id))).token;
    const report = await rebuild((phase) => {
      if (!phases.has(phase)) {
        phases.add(phase);
        // The API answers from the version in use while the new one is filled.
        during.push(read(`networks/${vannes.id}/funnel?${period}`, coordinator));
        // An event while the rebuild runs: the live consumer applies it, the replay reads it too; it counts once.
        if (phase === 'replay' && phases.size === 1) void publishAs(referral, 'fr.relais.referral.referral.requested.v1', requested(parties(reading.serviceId, other.id, ploermel.id), now - HOUR));
      }
    });
    expect([...phases]).toEqual(['replay', 'catch-up', 'switch']);
    expect(report.failed).toBe(0);
    // The request sent twice, the three redelivered records, the seven snapshots read in both passes.
    expect(report.duplicates).toBeGreaterThanOrEqual(1 + 3 + 7);
    const answers = await Promise.all(during);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    for (const answer of answers) expect(answer.body).toEqual(before['funnel']);

    await appliedAll();
    expect(await figures()).toEqual(before);
    expect(await rollupRows()).toEqual(rowsBefore);
    expect(await projectionTables(ploermel.id)).toEqual(tablesBefore);
    const ploermelRequests = await db.query<{ n: string }>(`SELECT sum(n) AS n FROM network_stage_daily WHERE network_id = $1 AND stage = 'requested'`, [ploermel.id]);
    expect(Number(ploermelRequests.rows[0]?.n)).toBe(1);
    const schemas = await db.query(`SELECT nspname FROM pg_namespace WHERE nspname IN ('reporting_rebuild', 'reporting_retired')`);
    expect(schemas.rows).toEqual([]);
    // The live consumer passed what the replay read: nothing left for it to skip.
    expect(report.replayedForgotten).toBe(true);
    const replayed = await db.query<{ n: string }>(`SELECT count(*) AS n FROM replayed_events`);
    expect(Number(replayed.rows[0]?.n)).toBe(0);

    // Nothing published since: a second rebuild leaves every table as it found it, row for row, Ploërmel's included —
    // this one writing its summed deltas after every batch (the bound a large rebuild reaches), the first only at the switch.
    const all = await projectionTables();
    const second = await rebuild(undefined, { deltaRowsBeforeFlush: 1 });
    expect(second.failed).toBe(0);
    expect(await projectionTables()).toEqual(all);
  }, 360_000);
});
