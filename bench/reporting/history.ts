/**
 * A département's referral history written straight into the reporting projections' tables, as set-based SQL
 * (docs/reporting.md "Benchmark", "The generated history"). Every referral is one row of a working table drawn
 * from deterministic functions of its number (a hash, not `random()`: the same size gives the same history), with
 * its path through the lifecycle and the instant of each event; the rollups are then the GROUP BY of those events,
 * the rows the live projection would have added one by one.
 *
 * Bulk load: the projection tables' indexes and keys are dropped, the tables filled in two sessions at once, then
 * the same indexes rebuilt under the same names from their definitions (one sort each instead of millions of
 * random B-tree insertions) and the tables vacuumed (visibility map: index-only scans), as after a restore.
 */
import { Client } from 'pg';

export interface HistoryShape {
  referrals: number;
  /** Days of history, ending today. */
  days: number;
  /** Structures; each has two services of two different roles. */
  structures: number;
  networkIds: string[];
  /** The communes (INSEE codes) of each network, in the order of `networkIds`. */
  communesByNetwork: string[][];
  /** Diagnostics per referral (the diagnostic page's rows). */
  assessmentsPerReferral: number;
}

export interface GeneratedHistory {
  seconds: number;
  /** Seconds of each step, for the benchmark's output. */
  steps: Record<string, number>;
  rows: Record<string, number>;
}

/** Every table the projections write (the rebuild's set, less its bookkeeping), emptied before a generation. */
export const projectionTables = [
  'referral_stage_daily',
  'referral_stage_monthly',
  'referral_theme_daily',
  'referral_theme_monthly',
  'delay_daily',
  'delay_monthly',
  'journey_daily',
  'journey_monthly',
  'network_stage_daily',
  'network_stage_monthly',
  'network_delay_daily',
  'network_delay_monthly',
  'network_journey_daily',
  'network_journey_monthly',
  'structure_stage_daily',
  'structure_stage_monthly',
  'structure_acknowledgement_daily',
  'structure_acknowledgement_monthly',
  'assessment_daily',
  'commune_monthly',
  'referral_state',
  'journey_pending',
  'directory_networks',
  'directory_structures',
  'directory_services',
] as const;

const roles = ['diagnostic', 'orientation', 'formation', 'accompagnement', 'faire-a-la-place', 'equipement', 'acces-libre'];
const rejectionReasons = ['hors-perimetre', 'plus-de-capacite', 'personne-injoignable', 'deja-accompagnee', 'refus-de-la-personne', 'autre'];
const levels = ['a-faire-pour', 'debutant', 'partiellement-autonome', 'autonome'];
const barriers = ['equipement', 'connexion', 'langue', 'lecture-ecriture', 'handicap', 'mobilite', 'confiance', 'vocabulaire-administratif'];

/**
 * Functions of the session (pg_temp): `u(i, salt)` uniform on [0, 1) from a 64-bit hash of the row number, `z(i,
 * salt)` standard normal (Box-Muller on two of them), `bucket(hours)` the delay histogram's bucket
 * (services/reporting/src/projections/delay-histogram.ts: 15 min × 2^(k/4), capped at 120).
 */
const functions = [
  `CREATE OR REPLACE FUNCTION pg_temp.u(i bigint, salt integer) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$ SELECT ((hashint8extended(i, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$`,
  `CREATE OR REPLACE FUNCTION pg_temp.z(i bigint, salt integer) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$ SELECT sqrt(-2 * ln(1 - pg_temp.u(i, salt))) * cos(2 * pi() * pg_temp.u(i, salt + 1000)) $$`,
  `CREATE OR REPLACE FUNCTION pg_temp.bucket(hours float8) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$ SELECT CASE WHEN hours * 60 <= 15 THEN 0 ELSE least(120, ceil(4 * ln(hours * 60 / 15) / ln(2)))::int END::smallint $$`,
];

/**
 * Each referral's path (shares of all referrals, before the truncation at "now"): 3 % cancelled before any answer,
 * 5 % expired unanswered, the rest received after a log-normal delay (median 20 h); of those, 8 % redirected
 * (80 % of redirects picked up), 15 % rejected (six reasons; 45 % of the people referred again), 2 % cancelled, the
 * rest accepted (median 24 h later); 4 % of those fail before the first contact (median 3 days), then 10 % fail and
 * 3 % are cancelled in progress, the rest complete (median 14 days) with an autonomy outcome and, three times in
 * ten, a next step (followed two times in three). Requests grow linearly over the period (a service's activity
 * grows), services are drawn with a skew (the busiest receives about 20 times the median), hours of the working
 * day. Events after now have not happened: those referrals are open, some overdue.
 */
function referralsSql(shape: HistoryShape, services: number): string {
  const now = shape.days * 24 - 6;
  return `
  CREATE UNLOGGED TABLE bench_referrals AS
  WITH drawn AS (
    SELECT i, least(${services - 1}, floor(${services} * power(pg_temp.u(i, 1), 2.2)))::int AS s,
           floor(${shape.days} * sqrt(pg_temp.u(i, 2)))::int * 24 + 8 + 10 * pg_temp.u(i, 9) AS t_req,
           pg_temp.u(i, 3) AS a, pg_temp.u(i, 4) AS b, pg_temp.u(i, 7) AS c, pg_temp.u(i, 8) AS e,
           exp(ln(20) + 1.1 * pg_temp.z(i, 20)) AS ack, exp(ln(24) + 1.0 * pg_temp.z(i, 21)) AS acc,
           exp(ln(72) + 0.9 * pg_temp.z(i, 22)) AS contact, exp(ln(336) + 0.7 * pg_temp.z(i, 23)) AS course
      FROM generate_series(1, ${shape.referrals}) i),
  timed AS (
    SELECT i, s, t_req, a, b, c, e,
           CASE WHEN a >= 0.08 THEN t_req + ack END AS t_recv,
           CASE WHEN a >= 0.08 AND b >= 0.25 THEN t_req + ack + acc END AS t_acc,
           CASE WHEN a >= 0.08 AND b >= 0.25 AND c >= 0.04 THEN t_req + ack + acc + contact END AS t_start,
           CASE WHEN a < 0.03 THEN t_req + 30 * a / 0.03
                WHEN a < 0.08 THEN t_req + 336
                WHEN b < 0.08 THEN t_req + ack + 4
                WHEN b < 0.23 THEN t_req + ack + 2
                WHEN b < 0.25 THEN t_req + ack + 48
                WHEN c < 0.04 THEN t_req + ack + acc + 240
                WHEN e < 0.10 THEN t_req + ack + acc + contact + course / 2
                WHEN e < 0.13 THEN t_req + ack + acc + contact + course / 3
                ELSE t_req + ack + acc + contact + course END AS t_end,
           CASE WHEN a < 0.03 THEN 'cancelled' WHEN a < 0.08 THEN 'expired' WHEN b < 0.08 THEN 'redirected' WHEN b < 0.23 THEN 'rejected'
                WHEN b < 0.25 THEN 'cancelled' WHEN c < 0.04 THEN 'failed' WHEN e < 0.10 THEN 'failed' WHEN e < 0.13 THEN 'cancelled'
                ELSE 'completed' END AS end_stage,
           CASE WHEN a < 0.08 THEN 'requested' WHEN b < 0.25 THEN 'received' WHEN c < 0.04 THEN 'accepted' ELSE 'in-progress' END AS end_from
      FROM drawn)
  SELECT i, s, t_req,
         CASE WHEN t_recv <= ${now} THEN t_recv END AS t_recv,
         CASE WHEN t_acc <= ${now} THEN t_acc END AS t_acc,
         CASE WHEN t_start <= ${now} THEN t_start END AS t_start,
         CASE WHEN t_end <= ${now} THEN t_end END AS t_end,
         CASE WHEN t_end <= ${now} THEN end_stage END AS end_stage,
         end_from,
         CASE end_stage WHEN 'rejected' THEN (ARRAY[${rejectionReasons.map((r) => `'${r}'`).join(', ')}])[1 + floor(6 * pg_temp.u(i, 30) * pg_temp.u(i, 31))::int]
                        WHEN 'completed' THEN CASE WHEN pg_temp.u(i, 32) < 0.3 THEN 'complet' WHEN pg_temp.u(i, 32) < 0.8 THEN 'partiel' ELSE 'aucun' END
                        ELSE '' END AS detail,
         pg_temp.u(i, 33) AS followed,
         pg_temp.u(i, 34) AS next_step,
         CASE WHEN pg_temp.u(i, 35) < 0.8 THEN 0 ELSE 1 + floor(6 * pg_temp.u(i, 36))::int END AS sender_offset
    FROM timed`;
}

/** One row per event reaching a funnel stage, with the hour it happened at. */
const stageEvents = `CROSS JOIN LATERAL (VALUES ('requested', r.t_req), ('received', r.t_recv), ('accepted', r.t_acc), ('in-progress', r.t_start), (r.end_stage, r.t_end)) AS v(stage, t)
  WHERE v.t IS NOT NULL AND v.stage IS NOT NULL`;

/** The continuity facts of each ended referral, on the day it ended (referral.projection.ts, `journey`). */
const journeyFacts = `CROSS JOIN LATERAL (VALUES
    ('exit', r.end_from),
    (CASE WHEN r.end_stage IN ('expired', 'failed') THEN 'break' END, r.end_stage),
    (CASE WHEN r.end_stage = 'rejected' THEN 'rejected' END, ''),
    (CASE WHEN r.end_stage = 'rejected' THEN 'rejection-reason' END, r.detail),
    (CASE WHEN r.end_stage = 'rejected' AND r.followed < 0.45 THEN 'rejected-followed' END, ''),
    (CASE WHEN r.end_stage = 'redirected' THEN 'redirect' END, ''),
    (CASE WHEN r.end_stage = 'redirected' AND r.followed < 0.8 THEN 'redirect-picked-up' END, ''),
    (CASE WHEN r.end_stage = 'completed' THEN 'autonomy' END, r.detail),
    (CASE WHEN r.end_stage = 'completed' AND r.next_step < 0.3 THEN 'next-step-proposed' END, ''),
    (CASE WHEN r.end_stage = 'completed' AND r.next_step < 0.2 THEN 'next-step-followed' END, '')
  ) AS f(fact, detail)
  WHERE r.end_stage IS NOT NULL AND f.fact IS NOT NULL`;

/** The delay measures, ended by the stage that ends them, with their SLA in hours if any (2 and 10 business days). */
const delayMeasures = `CROSS JOIN LATERAL (VALUES
    ('acknowledgement', r.t_recv, 48.0),
    ('acceptance', r.t_acc, NULL),
    ('first-contact', r.t_start, 336.0),
    ('completion', CASE WHEN r.end_stage = 'completed' THEN r.t_end END, NULL)
  ) AS m(measure, t, sla)
  WHERE m.t IS NOT NULL`;

/** The rollups, each from the cells of its kind: per day (or month) and the keys after it, as `[selected, grouped by]`. */
type Key = [select: string, groupBy: string];
const network: Key = ['NETWORK', 'net.x'];
const serviceKeys: Key[] = [['sv.structure_id', 'sv.s'], ['sv.role', 'sv.s']];
const structureKey: Key = [`md5('structure' || sv.k)::uuid`, 'sv.k'];
const rollups: Array<{ table: string; cells: string; keys: Key[] }> = [
  { table: 'referral_stage', cells: 'bench_stage_cells', keys: [network, ...serviceKeys, ['c.stage', 'c.stage']] },
  {
    table: 'referral_theme',
    cells: 'bench_stage_cells',
    keys: [network, [`'numerique--theme-' || (sv.s % 15)`, 'sv.s % 15'], ['SENDER', 'c.sender_offset'], ['c.stage', 'c.stage']],
  },
  { table: 'network_stage', cells: 'bench_stage_cells', keys: [network, ['c.stage', 'c.stage']] },
  // The funnel's stages per structure and its exits beside them (rollups.ts, "totals").
  {
    table: 'structure_stage',
    cells: `(SELECT d, s, stage, n FROM bench_stage_cells UNION ALL SELECT d, s, 'exit', n FROM bench_journey_cells WHERE fact = 'exit')`,
    keys: [network, structureKey, ['c.stage', 'c.stage']],
  },
  { table: 'delay', cells: 'bench_delay_cells', keys: [network, ...serviceKeys, ['c.measure', 'c.measure'], ['c.within_sla', 'c.within_sla'], ['c.bucket', 'c.bucket']] },
  { table: 'network_delay', cells: 'bench_delay_cells', keys: [network, ['c.measure', 'c.measure'], ['c.within_sla', 'c.within_sla'], ['c.bucket', 'c.bucket']] },
  { table: 'structure_acknowledgement', cells: `(SELECT * FROM bench_delay_cells WHERE measure = 'acknowledgement')`, keys: [network, structureKey, ['c.bucket', 'c.bucket']] },
  { table: 'journey', cells: 'bench_journey_cells', keys: [network, ...serviceKeys, ['c.fact', 'c.fact'], ['c.detail', 'c.detail']] },
  { table: 'network_journey', cells: 'bench_journey_cells', keys: [network, ['c.fact', 'c.fact'], ['c.detail', 'c.detail']] },
];

function rollupSql(table: string, cells: string, keys: Key[], grain: 'daily' | 'monthly', networkIds: string[]): string {
  const networks = `(ARRAY[${networkIds.map((id) => `'${id}'::uuid`).join(', ')}])`;
  const select = keys
    .map(([expression]) => expression.replace('NETWORK', `${networks}[net.x + 1]`).replace('SENDER', `${networks}[(net.x + c.sender_offset) % ${networkIds.length} + 1]`))
    .join(', ');
  const period = grain === 'daily' ? 'dd.day' : 'dd.month';
  const groupBy = [...new Set(keys.map(([, by]) => by))].join(', ');
  return `INSERT INTO ${table}_${grain}
          SELECT ${period}, ${select}, sum(c.n) FROM ${cells} AS c JOIN bench_days dd USING (d) JOIN bench_services sv USING (s)
           CROSS JOIN LATERAL unnest(sv.networks) AS net(x)
           GROUP BY ${period}, ${groupBy}`;
}

export async function generateHistory(databaseUrl: string, shape: HistoryShape, log: (line: string) => void = () => undefined): Promise<GeneratedHistory> {
  const started = performance.now();
  const steps: Record<string, number> = {};
  const sessions = [new Client({ connectionString: databaseUrl }), new Client({ connectionString: databaseUrl })];
  for (const session of sessions) {
    session.on('error', () => undefined);
    await session.connect();
    // Big hash aggregates stay in memory; the working table and the bulk load need no WAL flush per statement.
    await session.query(`SET work_mem = '256MB'; SET maintenance_work_mem = '256MB'; SET synchronous_commit = off`);
    for (const sql of functions) await session.query(sql);
  }
  const [db, other] = sessions as [Client, Client];
  /** Definitions of the keys and indexes dropped and not yet rebuilt. */
  const dropped: string[] = [];
  const step = async (name: string, work: () => Promise<unknown>): Promise<void> => {
    const at = performance.now();
    await work();
    steps[name] = Math.round((performance.now() - at) / 100) / 10;
    log(`  ${name}: ${steps[name]} s`);
  };
  /** Two queues of statements, one per session: the two cores each fill tables of their own. */
  const inParallel = (first: string[], second: string[]): Promise<unknown> =>
    Promise.all([
      (async () => {
        for (const sql of first) await db.query(sql);
      })(),
      (async () => {
        for (const sql of second) await other.query(sql);
      })(),
    ]);
  try {
    const services = shape.structures * 2;
    const start = `(current_date - ${shape.days - 1})`;
    await step('reset', async () => {
      await db.query(`TRUNCATE ${projectionTables.join(', ')}`);
      await db.query(`DROP TABLE IF EXISTS bench_referrals, bench_services, bench_communes, bench_assessments, bench_days, bench_stage_cells, bench_journey_cells, bench_delay_cells, bench_stage_cells_m, bench_journey_cells_m, bench_delay_cells_m`);
    });
    // The keys and indexes of the projection tables, to rebuild once they are full.
    const indexes = await db.query<{ table: string; name: string; definition: string; constraint: boolean }>(
      `SELECT t.relname AS table, i.relname AS name,
              coalesce('ALTER TABLE ' || t.relname || ' ADD CONSTRAINT ' || c.conname || ' ' || pg_get_constraintdef(c.oid), pg_get_indexdef(i.oid)) AS definition,
              c.oid IS NOT NULL AS constraint
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.contype IN ('p', 'u')
        WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace`,
      [[...projectionTables]],
    );
    await step('dimensions', async () => {
      await db.query(`CREATE UNLOGGED TABLE bench_communes AS
         SELECT code, network - 1 AS network, ordinal - 1 AS ordinal, count(*) OVER (PARTITION BY network) AS size FROM unnest($1::text[], $2::int[], $3::int[]) AS c(code, network, ordinal)`, [
        shape.communesByNetwork.flat(),
        shape.communesByNetwork.flatMap((communes, n) => communes.map(() => n + 1)),
        shape.communesByNetwork.flatMap((communes) => communes.map((_, i) => i + 1)),
      ]);
      // Structures spread over the networks; one service in six also belongs to the next network (two coordinations share it).
      await db.query(
        `CREATE UNLOGGED TABLE bench_services AS
         SELECT s, s / 2 AS k, (s / 2) % $2 AS network, md5('structure' || (s / 2))::uuid AS structure_id, md5('service' || s)::uuid AS service_id,
                CASE WHEN pg_temp.u(s, 11) < 0.17 THEN ARRAY[($1::uuid[])[1 + (s / 2) % $2], ($1::uuid[])[1 + ((s / 2) + 1) % $2]] ELSE ARRAY[($1::uuid[])[1 + (s / 2) % $2]] END AS network_ids,
                CASE WHEN pg_temp.u(s, 11) < 0.17 THEN ARRAY[(s / 2) % $2, ((s / 2) + 1) % $2] ELSE ARRAY[(s / 2) % $2] END AS networks,
                ($3::text[])[1 + (s / 2 + s % 2 * 3) % 7] AS role,
                'numerique--theme-' || (s % 15) AS thematique
           FROM generate_series(0, ${services - 1}) s`,
        [shape.networkIds, shape.networkIds.length, roles],
      );
      await db.query(`ALTER TABLE bench_services ADD PRIMARY KEY (s)`);
      await db.query(
        `INSERT INTO directory_networks
         SELECT id, 1, false, 'Réseau ' || n, coalesce((SELECT array_agg(code ORDER BY code) FROM bench_communes WHERE network = n - 1), ARRAY[]::text[]), 2, 10
           FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n)`,
        [shape.networkIds],
      );
      await db.query(
        `INSERT INTO directory_structures
         SELECT DISTINCT ON (structure_id) structure_id, 1, false, 'Structure ' || k, c.code, network_ids
           FROM bench_services sv JOIN bench_communes c ON c.network = sv.network AND c.ordinal = k % c.size
          ORDER BY structure_id, s`,
      );
      // One to three places each, in communes of its network (points spread over the Morbihan), capacity and waiting time declared by most.
      await db.query(
        `INSERT INTO directory_services
         SELECT service_id, structure_id, 1, false, 'Service ' || s, pg_temp.u(s, 12) > 0.03, ARRAY[role], ARRAY['numerique--prendre-en-main-un-ordinateur'], network_ids,
                (SELECT jsonb_agg(jsonb_build_object('communeCode', c.code, 'latitude', 47.3 + 0.9 * pg_temp.u(s * 10 + p, 13), 'longitude', -3.7 + 1.7 * pg_temp.u(s * 10 + p, 14)))
                   FROM generate_series(0, floor(3 * pg_temp.u(s, 15))::int) p
                   JOIN bench_communes c ON c.network = sv.network AND c.ordinal = (k + p * 7) % c.size),
                CASE WHEN pg_temp.u(s, 16) < 0.85 THEN 5 + floor(40 * pg_temp.u(s, 17))::int END,
                CASE WHEN pg_temp.u(s, 16) < 0.7 THEN floor(30 * pg_temp.u(s, 18))::int END
           FROM bench_services sv`,
      );
    });
    await step('referrals', () => db.query(referralsSql(shape, services)));
    await step('drop indexes', async () => {
      for (const index of indexes.rows) {
        await db.query(index.constraint ? `ALTER TABLE ${index.table} DROP CONSTRAINT ${index.name}` : `DROP INDEX ${index.name}`);
        dropped.push(index.definition);
      }
    });
    const day = (t: string): string => `(${start} + floor(${t} / 24)::int)`;
    // Counts per day (number from the start), service and key: small integer-keyed tables every rollup is summed from.
    await step('cells', async () => {
      await db.query(`CREATE UNLOGGED TABLE bench_days AS SELECT d, ${start} + d AS day, date_trunc('month', ${start} + d)::date AS month FROM generate_series(-31, ${shape.days + 400}) d`);
      await db.query(`ALTER TABLE bench_days ADD PRIMARY KEY (d)`);
      await inParallel(
        [
          `CREATE UNLOGGED TABLE bench_stage_cells AS
           SELECT floor(v.t / 24)::int AS d, s, r.sender_offset, v.stage, count(*) AS n FROM bench_referrals r ${stageEvents} GROUP BY 1, 2, 3, 4`,
          `CREATE UNLOGGED TABLE bench_journey_cells AS
           SELECT floor(r.t_end / 24)::int AS d, s, f.fact, f.detail, count(*) AS n FROM bench_referrals r ${journeyFacts} GROUP BY 1, 2, 3, 4`,
        ],
        [
          `CREATE UNLOGGED TABLE bench_delay_cells AS
           SELECT floor(m.t / 24)::int AS d, s, m.measure, coalesce(m.t - r.t_req <= m.sla, false) AS within_sla, pg_temp.bucket(m.t - r.t_req) AS bucket, count(*) AS n
             FROM bench_referrals r ${delayMeasures} GROUP BY 1, 2, 3, 4, 5`,
          // Demand per commune: each request from a commune of the sender's network.
          `INSERT INTO commune_monthly
           SELECT date_trunc('month', ${day('r.t_req')})::date, (ARRAY[${shape.networkIds.map((id) => `'${id}'::uuid`).join(', ')}])[net.x + 1], c.codes[1 + r.i % cardinality(c.codes)], 'orientations', count(*)
             FROM bench_referrals r JOIN bench_services sv USING (s) CROSS JOIN LATERAL unnest(sv.networks) AS net(x)
             JOIN (SELECT network, array_agg(code ORDER BY ordinal) AS codes FROM bench_communes GROUP BY network) c ON c.network = (net.x + r.sender_offset) % ${shape.networkIds.length}
            GROUP BY 1, 2, 3, 4`,
        ],
      );
    });
    // The same cells per month (filed under the month's first day): the monthly tables are summed from a thirtieth of the rows.
    await step('month cells', () =>
      inParallel(
        [
          `CREATE UNLOGGED TABLE bench_stage_cells_m AS SELECT m.d, c.s, c.sender_offset, c.stage, sum(c.n)::bigint AS n
             FROM bench_stage_cells c JOIN bench_days dd USING (d) JOIN bench_days m ON m.day = dd.month GROUP BY 1, 2, 3, 4`,
          `CREATE UNLOGGED TABLE bench_journey_cells_m AS SELECT m.d, c.s, c.fact, c.detail, sum(c.n)::bigint AS n
             FROM bench_journey_cells c JOIN bench_days dd USING (d) JOIN bench_days m ON m.day = dd.month GROUP BY 1, 2, 3, 4`,
        ],
        [
          `CREATE UNLOGGED TABLE bench_delay_cells_m AS SELECT m.d, c.s, c.measure, c.within_sla, c.bucket, sum(c.n)::bigint AS n
             FROM bench_delay_cells c JOIN bench_days dd USING (d) JOIN bench_days m ON m.day = dd.month GROUP BY 1, 2, 3, 4, 5`,
        ],
      ),
    );
    await step('rollups', () => {
      const statements = rollups.flatMap(({ table, cells, keys }) =>
        (['daily', 'monthly'] as const).map((grain) => rollupSql(table, grain === 'monthly' ? cells.replace(/bench_(stage|journey|delay)_cells/g, 'bench_$1_cells_m') : cells, keys, grain, shape.networkIds)),
      );
      // The delay tables are the biggest: half the statements each way, delays first on one side.
      const first = statements.filter((sql) => /INSERT INTO (delay|network_delay|structure_acknowledgement|referral_theme)_/.test(sql));
      return inParallel(first, statements.filter((sql) => !first.includes(sql)));
    });
    // Diagnostics: in a commune of a network, a level (skewed towards beginners) and zero to three barriers.
    const assessments = Math.round(shape.referrals * shape.assessmentsPerReferral);
    await step('diagnostics', async () => {
      await db.query(
        `CREATE UNLOGGED TABLE bench_assessments AS
         SELECT a.i, a.d, c.network, c.code, a.level, a.barriers FROM (
           SELECT i, (${start} + floor(${shape.days} * sqrt(pg_temp.u(i, 40)))::int) AS d,
                  floor((SELECT count(*) FROM bench_communes) * pg_temp.u(i, 44))::int AS commune,
                  ($1::text[])[1 + floor(4 * power(pg_temp.u(i, 41), 1.3))::int] AS level,
                  floor(4 * pg_temp.u(i, 42) * pg_temp.u(i, 43))::int AS barriers
             FROM generate_series(1, ${assessments}) i) a
         JOIN (SELECT row_number() OVER (ORDER BY network, ordinal) - 1 AS n, network, code FROM bench_communes) c ON c.n = a.commune`,
        [levels],
      );
      await Promise.all([
        db.query(
          `INSERT INTO assessment_daily
           SELECT d, network_id, code, dimension, value, count(*) FROM (
             SELECT a.d, ($1::uuid[])[1 + a.network] AS network_id, a.code, x.dimension, x.value FROM bench_assessments a
             CROSS JOIN LATERAL (
               SELECT 'count', 'diagnostics' UNION ALL SELECT 'level', a.level
               UNION ALL SELECT DISTINCT 'barrier', ($2::text[])[1 + floor(8 * pg_temp.u(a.i * 4 + b, 45))::int] FROM generate_series(1, a.barriers) b
             ) AS x(dimension, value)) e
           GROUP BY 1, 2, 3, 4, 5`,
          [shape.networkIds, barriers],
        ),
        other.query(
          `INSERT INTO commune_monthly SELECT date_trunc('month', d)::date, ($1::uuid[])[1 + network], code, 'diagnostics', count(*) FROM bench_assessments GROUP BY 1, 2, 3`,
          [shape.networkIds],
        ),
      ]);
    });
    // Open referrals (their next event is after now), and redirects not picked up yet: the state rows the live path keeps.
    await step('open referrals', () =>
      db.query(
        `INSERT INTO referral_state (referral_id, person_ref, network_ids, structure_id, role, thematique, sender_network_id, status, requested_at, acknowledge_due_at, first_contact_due_at, redirected_on)
         SELECT md5('referral' || i)::uuid, 'p-bench-' || i, sv.network_ids, sv.structure_id, sv.role, sv.thematique, sv.network_ids[1],
                CASE WHEN end_stage = 'redirected' THEN 'redirected' WHEN t_start IS NOT NULL THEN 'in-progress' WHEN t_acc IS NOT NULL THEN 'accepted' WHEN t_recv IS NOT NULL THEN 'received' ELSE 'requested' END,
                ${start}::timestamptz + t_req * interval '1 hour', ${start}::timestamptz + (t_req + 48) * interval '1 hour', ${start}::timestamptz + (t_req + 336) * interval '1 hour',
                CASE WHEN end_stage = 'redirected' THEN ${day('t_end')} END
           FROM bench_referrals r JOIN bench_services sv USING (s)
          WHERE end_stage IS NULL OR (end_stage = 'redirected' AND followed >= 0.8 AND t_end > ${shape.days * 24 - 24 * 30})`,
      ),
    );
    await step('indexes', () => {
      const definitions = dropped.splice(0);
      const half = Math.ceil(definitions.length / 2);
      return inParallel(definitions.slice(0, half), definitions.slice(half));
    });
    await step('vacuum', async () => {
      await db.query(`DROP TABLE bench_referrals, bench_services, bench_communes, bench_assessments, bench_days, bench_stage_cells, bench_journey_cells, bench_delay_cells, bench_stage_cells_m, bench_journey_cells_m, bench_delay_cells_m`);
      const tables = [...projectionTables];
      const half = Math.ceil(tables.length / 2);
      await inParallel(
        tables.slice(0, half).map((table) => `VACUUM ANALYZE ${table}`),
        tables.slice(half).map((table) => `VACUUM ANALYZE ${table}`),
      );
    });
    const counts = await db.query<{ table: string; n: string }>(
      `SELECT relname AS table, n_live_tup AS n FROM pg_stat_user_tables WHERE relname = ANY($1) ORDER BY 1`,
      [[...projectionTables]],
    );
    return { seconds: Math.round((performance.now() - started) / 100) / 10, steps, rows: Object.fromEntries(counts.rows.map((row) => [row.table, Number(row.n)])) };
  } catch (error) {
    // A failed generation leaves the tables with their keys: the database stays usable (and the next run reads them again).
    if (dropped.length > 0) for (const definition of dropped) await db.query(definition).catch(() => undefined);
    throw error;
  } finally {
    await Promise.all(sessions.map((session) => session.end().catch(() => undefined)));
  }
}
