/**
 * `npm run bench:reporting`: the coordinators' dashboard queries on a département's history, and the rebuild
 * of the projections from Kafka, through the compiled reporting service (a child process), the real identity
 * provider, PostgreSQL and Kafka.
 *
 * 1. History: `--sizes=1000000,10000000` referrals generated straight into the projections' tables with
 *    generate_series (7 networks, 300 structures, 600 services, 3 years; redirects, breaks, delays), as the
 *    projections would have left them (ADR 0007).
 * 2. Queries: 10 coordinators at once, each loading its network's dashboard (funnel, delays, continuity,
 *    structures) over 30, 90 or 365 days, for `--seconds` per size; p50/p95 of each HTTP answer.
 *    Targets: p95 ≤ 100 ms at 1 M, ≤ 200 ms at 10 M.
 * 3. Rebuild: `--rebuild-events` referral events produced to fresh topics, then `reporting:rebuild` (main.js
 *    rebuild) replays them from the beginning into a new version of the projections and switches to it;
 *    events/s, and the time 8 M events would take at that rate (≤ 5 min).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_NETWORKS, demoAccounts, localInstance } from '@relais/demo';
import { freePort, kafkaSaslEnvironment, startInfrastructure, stateSubdir, waitUntil, type Infrastructure } from '@relais/infra';
import { passwordLogin } from '@relais/testing';
import { Client } from 'pg';
import { printTable, round, summarize, type LatencySummary } from '../shared/stats';
import { rebuildPhase } from './rebuild-phase';

const argument = (name: string, fallback: string): string => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
// 10 M is opt-in (`--sizes=1000000,10000000`): generating 1 M takes 200 s on an idle 2-core machine, 960 s loaded.
const SIZES = argument('sizes', '1000000').split(',').filter((size) => size !== '').map(Number);
const SECONDS = Number(argument('seconds', '20'));
const REBUILD_EVENTS = Number(argument('rebuild-events', '200000'));
const COORDINATORS = 10;
const DAYS = 1096;
const STRUCTURES = 300;
const targetsMs: Record<number, number> = { 1_000_000: 100, 10_000_000: 200 };
const REBUILD_TARGET_S = 300;
/** `--hold`: after generating each size, print the database's address and wait for SIGUSR2 (to EXPLAIN the queries by hand). */
const HOLD = process.argv.includes('--hold');

function serviceEnvironment(infrastructure: Infrastructure, databaseUrl: string, port: number, topicPrefix: string): Record<string, string> {
  return {
      PATH: process.env['PATH'] ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      ...kafkaSaslEnvironment(infrastructure.kafkaAdmin),
      OIDC_ISSUER: infrastructure.oidcIssuer,
      LOG_LEVEL: 'warn',
      ...localInstance,
  };
}

function startService(infrastructure: Infrastructure, databaseUrl: string, port: number, topicPrefix: string): ChildProcess {
  return spawn(process.execPath, ['--enable-source-maps', join(__dirname, '../../services/reporting/src/main.js')], {
    env: serviceEnvironment(infrastructure, databaseUrl, port, topicPrefix),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function serviceReady(child: ChildProcess, base: string): Promise<void> {
  const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`the reporting service exited (${String(code)})`))));
  exited.catch(() => undefined);
  await Promise.race([waitUntil('reporting ready', async () => (await fetch(`${base}/health/ready`).catch(() => null))?.status === 200, { timeoutMs: 120_000 }), exited]);
}

const networkIds = Object.values(DEMO_NETWORKS).map((network) => network.id);
const stageShares: Array<[string, number]> = [
  ['requested', 1],
  ['received', 0.85],
  ['accepted', 0.6],
  ['in-progress', 0.5],
  ['completed', 0.4],
  ['rejected', 0.15],
  ['redirected', 0.08],
  ['cancelled', 0.05],
  ['expired', 0.07],
  ['failed', 0.06],
];
/** Delay measures: the stage that ends them, the bucket around which they fall (15 min × 2^(k/4)) and its spread. */
const measures: Array<[string, string, number, number]> = [
  ['acknowledgement', 'received', 14, 12],
  ['acceptance', 'accepted', 20, 12],
  ['first-contact', 'in-progress', 30, 10],
  ['completion', 'completed', 40, 10],
];

/** The key columns of each rollup after its day (or month), in table order. */
const monthlyColumns: Record<string, string> = {
  referral_stage: 'network_id, structure_id, role, stage',
  referral_theme: 'network_id, thematique, sender_network_id, stage',
  delay: 'network_id, structure_id, role, measure, within_sla, bucket',
  journey: 'network_id, structure_id, role, fact, detail',
};

const totals = ['network_stage', 'network_delay', 'network_journey', 'structure_stage', 'structure_acknowledgement'];

/**
 * The history, generated in the database: per day and service, each stage's count drawn around its share of the
 * referrals; delays one histogram entry per referral that reached the measure's stage; continuity facts from the
 * same counts. Sizes are totals of `requested`.
 */
async function generate(db: Client, referrals: number): Promise<number> {
  const started = performance.now();
  const mean = referrals / (DAYS * STRUCTURES * 2);
  for (const table of ['referral_stage_daily', 'referral_theme_daily', 'delay_daily', 'journey_daily', ...[...Object.keys(monthlyColumns), ...totals].flatMap((t) => [`${t}_daily`, `${t}_monthly`]), 'assessment_daily', 'commune_monthly', 'referral_state', 'directory_networks', 'directory_structures', 'directory_services']) {
    await db.query(`TRUNCATE ${table}`);
  }
  await db.query(`DROP TABLE IF EXISTS bench_services; DROP TABLE IF EXISTS bench_stages`);
  await db.query(
    `CREATE TABLE bench_services AS
     SELECT k, j, (md5('structure' || k))::uuid AS structure_id, (md5('service' || k || '-' || j))::uuid AS service_id,
            ($1::uuid[])[1 + k % 7] AS network_id, (ARRAY['diagnostic','orientation','formation','accompagnement','faire-a-la-place','equipement','acces-libre'])[1 + (k + j) % 7] AS role,
            0.2 + 1.6 * ((k * 7919 + j * 104729) % 1000) / 1000.0 AS weight
       FROM generate_series(0, $2 - 1) k CROSS JOIN generate_series(0, 1) j`,
    [networkIds, STRUCTURES],
  );
  await db.query(`CREATE TABLE bench_stages (stage text, share float8)`);
  await db.query(`INSERT INTO bench_stages SELECT * FROM unnest($1::text[], $2::float8[])`, [stageShares.map(([s]) => s), stageShares.map(([, v]) => v)]);
  await db.query(
    `INSERT INTO directory_networks SELECT id, 1, false, 'Réseau ' || i, ARRAY[]::text[], 2, 10 FROM unnest($1::uuid[]) WITH ORDINALITY AS n(id, i)`,
    [networkIds],
  );
  await db.query(`INSERT INTO directory_structures SELECT DISTINCT structure_id, 1, false, 'Structure ' || k, '56260', ARRAY[network_id] FROM bench_services`);
  await db.query(
    `INSERT INTO directory_services SELECT service_id, structure_id, 1, false, 'Service ' || k || '-' || j, true, ARRAY[role], ARRAY['numerique--prendre-en-main-un-ordinateur'],
            ARRAY[network_id], '[{"communeCode":"56260","latitude":47.65,"longitude":-2.76}]'::jsonb, 5 + k % 20, k % 30 FROM bench_services`,
  );
  const from = `current_date - ${DAYS - 1}`;
  // Stage counts drawn around their mean (uniform on [0, 2 × mean], rounded at random), zeros left out.
  await db.query(
    `CREATE TEMP TABLE bench_counts AS
     SELECT d::date AS day, s.network_id, s.structure_id, s.role, st.stage, floor(random() * 2 * $1 * s.weight * st.share + random())::int AS n
       FROM generate_series(${from}, current_date, interval '1 day') d CROSS JOIN bench_services s CROSS JOIN bench_stages st`,
    [mean],
  );
  await db.query(`DELETE FROM bench_counts WHERE n = 0`);
  await db.query(
    `INSERT INTO referral_stage_daily SELECT day, network_id, structure_id, role, stage, sum(n) FROM bench_counts GROUP BY 1, 2, 3, 4, 5`,
  );
  // Thématique (15) and sender's network (the network itself four times out of five) of the same counts.
  await db.query(
    `INSERT INTO referral_theme_daily
     SELECT day, network_id, 'numerique--theme-' || (abs(hashtext(structure_id::text || role)) % 15),
            CASE WHEN abs(hashtext(structure_id::text || day)) % 5 = 0 THEN ($1::uuid[])[1 + abs(hashtext(day::text || role)) % 7] ELSE network_id END,
            stage, sum(n)
       FROM bench_counts GROUP BY 1, 2, 3, 4, 5`,
    [networkIds],
  );
  await db.query(`CREATE TEMP TABLE bench_measures (measure text, stage text, centre int, spread int)`);
  await db.query(`INSERT INTO bench_measures SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])`, [
    measures.map(([m]) => m),
    measures.map(([, s]) => s),
    measures.map(([, , c]) => c),
    measures.map(([, , , w]) => w),
  ]);
  // One histogram entry per referral that reached the stage ending the measure.
  await db.query(
    `INSERT INTO delay_daily
     SELECT c.day, c.network_id, c.structure_id, c.role, m.measure, b <= m.centre, b, count(*)
       FROM bench_counts c JOIN bench_measures m ON m.stage = c.stage
       CROSS JOIN LATERAL generate_series(1, c.n) i
       CROSS JOIN LATERAL (SELECT greatest(0, m.centre - m.spread / 2 + floor(random() * m.spread)::int + i * 0) AS b) bucket
      GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  );
  // Continuity facts from the same counts: exits, breaks, redirects and their pick-ups, next steps, reasons, autonomy.
  await db.query(
    `INSERT INTO journey_daily
     SELECT day, network_id, structure_id, role, fact, detail, sum(n) FROM (
       SELECT c.day, c.network_id, c.structure_id, c.role, f.fact, f.detail, floor(c.n * f.share + random())::int AS n
         FROM bench_counts c JOIN (VALUES
           ('rejected', 'exit', 'received', 1.0), ('expired', 'exit', 'requested', 1.0), ('expired', 'break', 'expired', 1.0),
           ('failed', 'exit', 'accepted', 0.4), ('failed', 'exit', 'in-progress', 0.6), ('failed', 'break', 'failed', 1.0),
           ('redirected', 'exit', 'requested', 1.0), ('redirected', 'redirect', '', 1.0), ('redirected', 'redirect-picked-up', '', 0.8),
           ('cancelled', 'exit', 'requested', 1.0), ('rejected', 'rejected', '', 1.0), ('rejected', 'rejected-followed', '', 0.5),
           ('rejected', 'rejection-reason', 'plus-de-capacite', 0.4), ('rejected', 'rejection-reason', 'hors-perimetre', 0.6),
           ('completed', 'autonomy', 'complet', 0.3), ('completed', 'autonomy', 'partiel', 0.5), ('completed', 'autonomy', 'aucun', 0.2),
           ('completed', 'next-step-proposed', '', 0.3), ('completed', 'next-step-followed', '', 0.2)
         ) AS f(stage, fact, detail, share) ON f.stage = c.stage) x
      WHERE n > 0 GROUP BY 1, 2, 3, 4, 5, 6`,
  );
  // Open referrals (about 2 %), half of them overdue.
  await db.query(
    `INSERT INTO referral_state (referral_id, person_ref, network_ids, structure_id, role, thematique, sender_network_id, status, requested_at, acknowledge_due_at, first_contact_due_at)
     SELECT gen_random_uuid(), 'p-bench' || i, ARRAY[s.network_id], s.structure_id, s.role, 'numerique--theme-1', s.network_id,
            (ARRAY['requested','received','accepted'])[1 + i % 3], now() - interval '10 days', now() + (i % 2 * 2 - 1) * interval '2 days', now() + (i % 2 * 2 - 1) * interval '5 days'
       FROM generate_series(1, $1::int) i JOIN bench_services s ON s.k = i % ${STRUCTURES} AND s.j = i % 2`,
    [Math.round(referrals * 0.02)],
  );
  // The monthly twins, as the projections keep them beside the daily rows.
  for (const [rollup, columns] of Object.entries(monthlyColumns)) {
    await db.query(`INSERT INTO ${rollup}_monthly SELECT date_trunc('month', day)::date, ${columns}, sum(n) FROM ${rollup}_daily GROUP BY date_trunc('month', day), ${columns}`);
  }
  // The totals without structure and role, or without role (ADR 0007 "Totals"), from the same rows.
  for (const [grain, period] of [['daily', 'day'], ['monthly', 'month']] as const) {
    await db.query(`INSERT INTO network_stage_${grain} SELECT ${period}, network_id, stage, sum(n) FROM referral_stage_${grain} GROUP BY 1, 2, 3`);
    await db.query(`INSERT INTO network_delay_${grain} SELECT ${period}, network_id, measure, within_sla, bucket, sum(n) FROM delay_${grain} GROUP BY 1, 2, 3, 4, 5`);
    await db.query(`INSERT INTO network_journey_${grain} SELECT ${period}, network_id, fact, detail, sum(n) FROM journey_${grain} GROUP BY 1, 2, 3, 4`);
    await db.query(
      `INSERT INTO structure_stage_${grain} SELECT ${period}, network_id, structure_id, stage, sum(n) FROM (
         SELECT ${period}, network_id, structure_id, stage, n FROM referral_stage_${grain}
         UNION ALL SELECT ${period}, network_id, structure_id, 'exit', n FROM journey_${grain} WHERE fact = 'exit') AS s GROUP BY 1, 2, 3, 4`,
    );
    await db.query(`INSERT INTO structure_acknowledgement_${grain} SELECT ${period}, network_id, structure_id, bucket, sum(n) FROM delay_${grain} WHERE measure = 'acknowledgement' GROUP BY 1, 2, 3, 4`);
  }
  await db.query(`DROP TABLE bench_counts`);
  await db.query(`VACUUM ANALYZE`);
  return (performance.now() - started) / 1000;
}

async function dashboardLatencies(base: string, tokens: Array<{ token: string; networkId: string }>, seconds: number): Promise<{ all: LatencySummary; byQuery: Record<string, LatencySummary>; errors: number }> {
  const queries = ['funnel', 'delays', 'continuity', 'structures'];
  const periods = [30, 90, 365];
  const samples: Record<string, number[]> = Object.fromEntries(queries.map((q) => [q, []]));
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const day = (offset: number): string => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  await Promise.all(
    tokens.map(async ({ token, networkId }, index) => {
      let round = index;
      while (performance.now() < deadline) {
        const period = periods[round % periods.length] ?? 30;
        for (const query of queries) {
          const started = performance.now();
          const response = await fetch(`${base}/v1/networks/${networkId}/${query}?from=${day(period - 1)}&to=${day(0)}`, { headers: { authorization: `Bearer ${token}` } });
          await response.arrayBuffer();
          if (response.status !== 200) errors++;
          else samples[query]?.push(performance.now() - started);
        }
        round++;
      }
    }),
  );
  const all = Object.values(samples).flat();
  return { all: summarize(all), byQuery: Object.fromEntries(queries.map((q) => [q, summarize(samples[q] ?? [])])), errors };
}

async function main(): Promise<void> {
  const dataDir = stateSubdir('bench', `reporting-${process.pid}`);
  const [postgres, kafka, kafkaController, identity, http, rebuildHttp] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  process.stdout.write('starting PostgreSQL, Kafka and the identity provider…\n');
  const infrastructure = await startInfrastructure({ dataDir, ports: { postgres, kafka, kafkaController, identity }, fast: true });
  let child: ChildProcess | undefined;
  try {
    const databaseUrl = await infrastructure.database('bench_reporting');
    child = startService(infrastructure, databaseUrl, http, `bench-reporting-${Date.now()}.`);
    const base = `http://127.0.0.1:${http}/api/reporting`;
    await serviceReady(child, base);
    const db = new Client({ connectionString: databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    const coordinators = demoAccounts().users.filter((u) => u.roles.includes('coordinator'));
    const tokens: Array<{ token: string; networkId: string }> = [];
    for (let i = 0; i < COORDINATORS; i++) {
      const user = coordinators[i % coordinators.length];
      if (!user) throw new Error('no demo coordinator');
      tokens.push({ token: (await passwordLogin(infrastructure.oidcIssuer, user.username, user.password)).accessToken, networkId: user.networkIds[0] ?? '' });
    }
    const sizes: Array<Record<string, unknown>> = [];
    for (const size of SIZES) {
      process.stdout.write(`generating ${size} referrals into the projections…\n`);
      const generationSeconds = await generate(db, size);
      const rows = await db.query<{ table: string; n: string }>(
        `SELECT relname AS table, n_live_tup AS n FROM pg_stat_user_tables WHERE relname IN ('referral_stage_daily', 'referral_theme_daily', 'delay_daily', 'journey_daily', 'referral_state') ORDER BY 1`,
      );
      process.stdout.write(`  ${round(generationSeconds, 0)} s; rows: ${rows.rows.map((r) => `${r.table} ${r.n}`).join(', ')}\n`);
      if (HOLD) {
        process.stdout.write(`holding: psql ${databaseUrl} ; kill -USR2 ${process.pid} to go on\n`);
        await new Promise((resolve) => process.once('SIGUSR2', resolve));
      }
      await dashboardLatencies(base, tokens, 3);
      // One coordinator alone first: what a query costs without queueing behind nine others on two cores.
      const alone = await dashboardLatencies(base, tokens.slice(0, 1), Math.min(SECONDS, 10));
      process.stdout.write(`${COORDINATORS} coordinators loading their dashboards for ${SECONDS} s…\n`);
      const measured = await dashboardLatencies(base, tokens, SECONDS);
      const target = targetsMs[size] ?? 200;
      printTable(`Dashboard queries at ${size} referrals (ms)`, Object.entries(measured.byQuery).map(([query, s]) => ({ query, count: s.count, p50: s.p50, p95: s.p95, p99: s.p99 })));
      sizes.push({
        referrals: size,
        generationSeconds: round(generationSeconds, 0),
        rows: Object.fromEntries(rows.rows.map((r) => [r.table, Number(r.n)])),
        latencyMs: measured.all,
        aloneLatencyMs: alone.all,
        byQuery: measured.byQuery,
        errors: measured.errors,
        targetP95Ms: target,
        ratio: round(measured.all.p95 / target, 2),
      });
    }
    await db.end();
    const rebuild = await rebuildPhase({ infrastructure, port: rebuildHttp, events: REBUILD_EVENTS, networkIds, serviceEnvironment: (url, port, prefix) => serviceEnvironment(infrastructure, url, port, prefix), startService: (url, port, prefix) => startService(infrastructure, url, port, prefix), serviceReady });
    const extrapolated = 8_000_000 / rebuild.eventsPerSecond;
    printTable('Rebuild from Kafka', [{ events: rebuild.events, seconds: rebuild.seconds, 'events/s': rebuild.eventsPerSecond, '8 M events (s)': round(extrapolated, 0), target: `≤ ${REBUILD_TARGET_S}` }]);
    const result = {
      benchmark: 'reporting',
      sizes,
      rebuild: { ...rebuild, extrapolatedSecondsFor8M: round(extrapolated, 0) },
      targets: { ...Object.fromEntries(SIZES.map((size) => [`p95Ms@${size}`, targetsMs[size] ?? 200])), rebuild8MSeconds: REBUILD_TARGET_S },
      ratios: { ...Object.fromEntries(sizes.map((s) => [`p95@${String(s['referrals'])}`, s['ratio']])), rebuild8M: round(extrapolated / REBUILD_TARGET_S, 2) },
      met: {
        ...Object.fromEntries(sizes.map((s) => [`p95@${String(s['referrals'])}`, Number(s['ratio']) <= 1 && s['errors'] === 0])),
        rebuild8M: extrapolated <= REBUILD_TARGET_S,
      },
    };
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child?.once('exit', resolve));
    }
    await infrastructure.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:reporting failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
