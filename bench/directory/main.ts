/**
 * `npm run bench:directory`: the public search of the directory with 50 000 services, through HTTP, on
 * the real service (its compiled main, as a child process) and a real PostgreSQL.
 *
 * Target (issue 4): GET /v1/services p95 ≤ 50 ms for the typical queries — role + commune + 20 km,
 * thématique + network, open now (as run, and on a weekday morning when most lieux are open). Same-run
 * floor: GET /health (HTTP alone), and the single-service read.
 * The data: the demo département (`seed`), then 50 000 generated services spread over the Morbihan's
 * communes in proportion to their population (`seed-synthetic`), so a 20 km circle around Vannes or
 * Lorient meets thousands of candidates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { builtFile, freePort, kafkaSaslEnvironment, startInfrastructure, stateSubdir, waitUntil, type Infrastructure } from '@relais/infra';
import { DEMO_NETWORKS, localInstance } from '@relais/demo';
import { atFixedRate, printTable, round, summarize, type LatencySummary } from '../shared/stats';

const SERVICES = 50_000;
const LIMIT_P95_MS = 50;
const RATE_PER_SECOND = 25;
const DURATION_S = 20;
const TOPIC_PREFIX = `bench-directory-${Date.now()}.`;

/** The communes people come from: the Morbihan's larger towns and a few villages. */
const COMMUNES = ['56260', '56121', '56098', '56162', '56083', '56178', '56007', '56206', '56165', '56243', '56184', '56010', '56117', '56066', '56127', '56086'];
const ROLES = ['diagnostic', 'orientation', 'formation', 'accompagnement', 'equipement', 'acces-libre'];
const THEMATIQUES = ['numerique', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits', 'numerique--maitriser-les-fondamentaux-du-numerique', 'trouver-un-emploi--repondre-a-des-offres-demploi'];
const NETWORKS = Object.values(DEMO_NETWORKS).map((network) => network.id);
const TUESDAY_MORNING = '2026-12-01T10:30:00+01:00';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function serviceEnv(infrastructure: Infrastructure, databaseUrl: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: TOPIC_PREFIX,
    // A topic prefix of the bench's own: the broker's super user, as in tests.
    ...kafkaSaslEnvironment(infrastructure.kafkaAdmin),
    OIDC_ISSUER: infrastructure.oidcIssuer,
    LOG_LEVEL: 'warn',
    ...localInstance,
    // The bench measures search alone: no freshness round in the middle of it.
    DIRECTORY_SWEEP_INTERVAL_SECONDS: '0',
  };
}

const main_js = builtFile('services/directory/src/main.js');

function run(env: NodeJS.ProcessEnv, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main_js, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`directory ${args.join(' ')} : code ${String(code)}`))));
  });
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status >= 400) throw new Error(`HTTP ${response.status} for ${url}`);
  return performance.now() - started;
}

async function measure(label: string, url: () => string): Promise<LatencySummary> {
  const samples: number[] = [];
  process.stdout.write(`${label}: ${RATE_PER_SECOND}/s for ${DURATION_S} s…\n`);
  await atFixedRate(RATE_PER_SECOND, DURATION_S * 1000, async () => {
    samples.push(await timed(url()));
  });
  return summarize(samples);
}

async function main(): Promise<void> {
  const dataDir = stateSubdir('bench', `directory-${process.pid}`);
  const [postgres, kafka, kafkaController, identity, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  process.stdout.write('starting PostgreSQL, Kafka and the identity provider (durable settings: fsync on)…\n');
  const infrastructure = await startInfrastructure({ dataDir, ports: { postgres, kafka, kafkaController, identity }, fast: false });
  let child: ChildProcess | undefined;
  // Ctrl-C still stops what the bench started (the service, PostgreSQL, Kafka, the identity provider).
  const interrupted = () => {
    child?.kill('SIGTERM');
    void infrastructure.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const databaseUrl = await infrastructure.database('bench_directory');
    const env = serviceEnv(infrastructure, databaseUrl, http);
    await run(env, 'migrate');
    const seededAt = performance.now();
    await run(env, 'seed');
    await run(env, 'seed-synthetic', String(SERVICES));
    const seedSeconds = (performance.now() - seededAt) / 1000;

    child = spawn(process.execPath, [main_js], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<never>((_resolve, reject) => child?.once('exit', (code) => reject(new Error(`the directory exited (${String(code)})`))));
    exited.catch(() => undefined);
    const base = `http://127.0.0.1:${http}/api/directory`;
    await Promise.race([waitUntil('directory ready', async () => (await fetch(`${base}/health/ready`)).status === 200), exited]);

    const next = random(56);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
    const queries = {
      'role + commune + 20 km': () => `${base}/v1/services?role=${pick(ROLES)}&commune=${pick(COMMUNES)}&radiusKm=20`,
      'thematique + network': () => `${base}/v1/services?thematique=${pick(THEMATIQUES)}&network=${pick(NETWORKS)}`,
      'open now': () => `${base}/v1/services?openAt=now&role=${pick(ROLES)}`,
      // "now" depends on when the bench runs (at night almost nothing is open): a weekday morning too.
      'open Tuesday 10:30': () => `${base}/v1/services?openAt=${encodeURIComponent(TUESDAY_MORNING)}&role=${pick(ROLES)}`,
      'open now + commune + 20 km': () => `${base}/v1/services?openAt=now&commune=${pick(COMMUNES)}&radiusKm=20`,
      'text + commune': () => `${base}/v1/services?q=${pick(['numerique', 'demarches', 'ateliers', 'accueil'])}&commune=${pick(COMMUNES)}&radiusKm=30`,
    };
    const first = (await (await fetch(queries['role + commune + 20 km']())).json()) as { items: Array<{ id: string }> };
    const serviceId = first.items[0]?.id;
    if (!serviceId) throw new Error('the search found nothing: the data is not what the bench expects');

    process.stdout.write('warm-up (200 searches)…\n');
    const all = Object.values(queries);
    for (let i = 0; i < 200; i++) await timed(pick(all)());

    const health = await measure('GET /health', () => `${base}/health`);
    const byId = await measure('GET /v1/services/{id}', () => `${base}/v1/services/${serviceId}`);
    const results: Record<string, LatencySummary> = {};
    for (const [label, url] of Object.entries(queries)) results[label] = await measure(`search: ${label}`, url);

    const row = (what: string, s: LatencySummary) => ({ request: what, count: s.count, 'p50 ms': s.p50, 'p95 ms': s.p95, 'p99 ms': s.p99, 'max ms': s.max });
    printTable(`Directory search with ${SERVICES} services (+ the demo département), ${RATE_PER_SECOND} requests/s, ${DURATION_S} s each`, [
      row('GET /health (HTTP floor)', health),
      row('GET /v1/services/{id}', byId),
      ...Object.entries(results).map(([label, s]) => row(`GET /v1/services — ${label}`, s)),
    ]);
    printTable(
      'Against the limit (p95 ≤ 50 ms)',
      Object.entries(results).map(([label, s]) => ({
        query: label,
        'p95 ms': s.p95,
        'limit ms': LIMIT_P95_MS,
        ratio: round(s.p95 / LIMIT_P95_MS, 2),
        verdict: s.p95 <= LIMIT_P95_MS ? 'within' : 'OVER',
      })),
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'directory',
        services: SERVICES,
        seedSeconds: round(seedSeconds, 1),
        ratePerSecond: RATE_PER_SECOND,
        durationSeconds: DURATION_S,
        limitP95Ms: LIMIT_P95_MS,
        floors: { health, byId },
        queries: Object.fromEntries(Object.entries(results).map(([label, s]) => [label, { ...s, ratioToLimit: round(s.p95 / LIMIT_P95_MS, 2) }])),
      })}\n`,
    );
  } finally {
    if (child && child.exitCode === null) {
      const done = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await done;
    }
    await infrastructure.stop();
    // 50 000 services with fsync on leave a few hundred MB behind: the next run starts afresh anyway.
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench:directory] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
