/**
 * `npm run bench:reporting`: the coordinators' dashboard queries on a département's history, and the rebuild
 * of the projections from Kafka, through the compiled reporting service (a child process), the real identity
 * provider, PostgreSQL and Kafka.
 *
 * 1. History: `--sizes=1000000,10000000` referrals generated straight into the projections' tables in set-based
 *    SQL (history.ts: 7 networks, 300 structures, 600 services, 3 years; redirects, breaks, rejections and their
 *    reasons, delays, services in two networks, diagnostics), as the projections would have left them (ADR 0007).
 * 2. Queries (dashboards.ts): the floor (`/health`, `SELECT 1`) under the same concurrency, then 10 coordinators
 *    at once loading the dashboards' pages (each page's requests at once) over last month or the last 12 months,
 *    for `--seconds` per size; p50/p95 per query shape and per page. Targets: p95 ≤ 100 ms at 1 M, ≤ 200 ms at
 *    10 M, on the worst query shape.
 * 3. Rebuild: `--rebuild-events` referral events produced to fresh topics, then `reporting:rebuild` (main.js
 *    rebuild) replays them from the beginning into a new version of the projections and switches to it;
 *    events/s, and the time 8 M events would take at that rate (≤ 5 min).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DEMO_NETWORKS, demoAccounts, localInstance } from '@relais/demo';
import { freePort, kafkaSaslEnvironment, startInfrastructure, stateSubdir, waitUntil, type Infrastructure } from '@relais/infra';
import { passwordLogin } from '@relais/testing';
import { printTable, round } from '../shared/stats';
import { loadDashboards, measureFloor, type Coordinator } from './dashboards';
import { generateHistory } from './history';
import { rebuildPhase } from './rebuild-phase';

const argument = (name: string, fallback: string): string => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
// 10 M is opt-in (`--sizes=1000000,10000000`): see docs/reporting.md "Benchmark" for how long generating takes.
const SIZES = argument('sizes', '1000000').split(',').filter((size) => size !== '').map(Number);
const SECONDS = Number(argument('seconds', '20'));
const REBUILD_EVENTS = Number(argument('rebuild-events', '200000'));
const COORDINATORS = 10;
const DAYS = 1096;
const STRUCTURES = 300;
/** `--floor-seconds`: the floor's two measures (`/health`, `SELECT 1`), each under the same concurrency as the dashboards. */
const FLOOR_SECONDS = Number(argument('floor-seconds', '5'));
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

/** The Morbihan's communes (the demo's département), split between the seven networks in order of their code. */
function morbihanCommunes(): string[] {
  const all = JSON.parse(readFileSync(require.resolve('@etalab/decoupage-administratif/data/communes.json'), 'utf8')) as Array<{ code: string; departement: string; type: string }>;
  return all.filter((c) => c.departement === '56' && c.type === 'commune-actuelle').map((c) => c.code).sort();
}

const loadAverage = (): string => loadavg().map((n) => n.toFixed(1)).join(' ');

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
    // The demo's seven coordinators, one per network; the eighth to tenth are the first three again, on other pages and periods.
    const coordinators = demoAccounts().users.filter((u) => u.roles.includes('coordinator'));
    const tokens: Coordinator[] = [];
    for (let i = 0; i < COORDINATORS; i++) {
      const user = coordinators[i % coordinators.length];
      if (!user) throw new Error('no demo coordinator');
      tokens.push({ token: (await passwordLogin(infrastructure.oidcIssuer, user.username, user.password)).accessToken, networkId: user.networkIds[0] ?? '' });
    }
    const communes = morbihanCommunes();
    const perNetwork = Math.ceil(communes.length / networkIds.length);
    const sizes: Array<Record<string, unknown>> = [];
    for (const size of SIZES) {
      process.stdout.write(`generating ${size} referrals into the projections (load ${loadAverage()})…\n`);
      const history = await generateHistory(
        databaseUrl,
        {
          referrals: size,
          days: DAYS,
          structures: STRUCTURES,
          networkIds,
          communesByNetwork: networkIds.map((_, i) => communes.slice(i * perNetwork, (i + 1) * perNetwork)),
          assessmentsPerReferral: 0.4,
        },
        (line) => process.stdout.write(`${line}\n`),
      );
      process.stdout.write(`  ${history.seconds} s (load ${loadAverage()}); rows: ${Object.entries(history.rows).map(([table, n]) => `${table} ${n}`).join(', ')}\n`);
      if (HOLD) {
        process.stdout.write(`holding: psql ${databaseUrl} ; kill -USR2 ${process.pid} to go on\n`);
        await new Promise((resolve) => process.once('SIGUSR2', resolve));
      }
      await loadDashboards(base, tokens, 3);
      // One coordinator alone first: what a page costs without queueing behind nine others on two cores.
      const alone = await loadDashboards(base, tokens.slice(0, 1), Math.min(SECONDS, 10));
      const loadBefore = loadAverage();
      const floor = await measureFloor(base, databaseUrl, COORDINATORS, FLOOR_SECONDS);
      process.stdout.write(`${COORDINATORS} coordinators loading their dashboards for ${SECONDS} s (load ${loadBefore})…\n`);
      const measured = await loadDashboards(base, tokens, SECONDS);
      const loadAfter = loadAverage();
      const target = targetsMs[size] ?? 200;
      const shape = (name: string, s: { count: number; p50: number; p95: number; p99: number }) => ({ name, count: s.count, p50: s.p50, p95: s.p95, p99: s.p99, ratio: round(s.p95 / target, 2) });
      printTable(`Dashboard requests at ${size} referrals, ${COORDINATORS} coordinators (ms; ratio = p95 / ${target})`, [
        ...Object.entries(measured.byQuery).map(([name, s]) => shape(name, s)),
        shape('all requests', measured.all),
        shape('floor: GET /health', floor.health),
        shape('floor: SELECT 1', floor.selectOne),
      ]);
      printTable(`Whole pages at ${size} referrals (ms)`, Object.entries(measured.byPage).map(([name, s]) => shape(name, s)));
      // The verdict is on the worst query shape, not on the mix: each page must answer within the target.
      const worst = Math.max(...Object.values(measured.byQuery).map((s) => s.p95));
      sizes.push({
        referrals: size,
        generationSeconds: history.seconds,
        generationSteps: history.steps,
        rows: history.rows,
        load: { before: loadBefore, after: loadAfter },
        floorMs: floor,
        latencyMs: measured.all,
        aloneLatencyMs: alone.all,
        byQuery: measured.byQuery,
        byPage: measured.byPage,
        errors: measured.errors,
        statuses: measured.statuses,
        targetP95Ms: target,
        worstQueryP95Ms: worst,
        ratio: round(worst / target, 2),
        ratioAll: round(measured.all.p95 / target, 2),
        ratioFloor: round(floor.health.p95 / target, 2),
      });
    }
    // `--rebuild-events=0`: the dashboards only.
    const rebuild =
      REBUILD_EVENTS > 0
        ? await rebuildPhase({ infrastructure, port: rebuildHttp, events: REBUILD_EVENTS, networkIds, serviceEnvironment: (url, port, prefix) => serviceEnvironment(infrastructure, url, port, prefix), startService: (url, port, prefix) => startService(infrastructure, url, port, prefix), serviceReady })
        : null;
    const extrapolated = rebuild ? 8_000_000 / rebuild.eventsPerSecond : null;
    if (rebuild && extrapolated !== null) {
      printTable('Rebuild from Kafka', [{ events: rebuild.events, seconds: rebuild.seconds, 'events/s': rebuild.eventsPerSecond, '8 M events (s)': round(extrapolated, 0), target: `≤ ${REBUILD_TARGET_S}` }]);
    }
    const rebuildFigures = rebuild && extrapolated !== null;
    const result = {
      benchmark: 'reporting',
      sizes,
      ...(rebuildFigures ? { rebuild: { ...rebuild, extrapolatedSecondsFor8M: round(extrapolated, 0) } } : {}),
      targets: { ...Object.fromEntries(SIZES.map((size) => [`p95Ms@${size}`, targetsMs[size] ?? 200])), ...(rebuildFigures ? { rebuild8MSeconds: REBUILD_TARGET_S } : {}) },
      ratios: { ...Object.fromEntries(sizes.map((s) => [`p95@${String(s['referrals'])}`, s['ratio']])), ...(rebuildFigures ? { rebuild8M: round(extrapolated / REBUILD_TARGET_S, 2) } : {}) },
      met: {
        ...Object.fromEntries(sizes.map((s) => [`p95@${String(s['referrals'])}`, Number(s['ratio']) <= 1 && s['errors'] === 0])),
        ...(rebuildFigures ? { rebuild8M: extrapolated <= REBUILD_TARGET_S } : {}),
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
