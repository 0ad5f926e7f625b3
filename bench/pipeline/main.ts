/**
 * `npm run bench:pipeline`: the event backbone under load, against the raw limits of the same broker and
 * database measured in the same run. Publish through the outbox (business row + event in one
 * transaction), relay to Kafka, consume with the inbox and a projection write.
 *
 * Target (DESIGN.md): ratio ≥ 0.5 of min(L_pg, L_kafka); p99 ≤ 100 ms at 100 events/s.
 *
 * `-- --split`: the service split by role (RELAIS_SERVICE_ROLE), as a département that scales runs it:
 * this process is the `api` one (it publishes: business row + outbox row, then NOTIFY), a child process
 * the `consumers` one (the relay and the consumer), on the same database and broker.
 *
 * `-- --commit-delay=<µs>`: PostgreSQL's group commit (`commit_delay`, with `commit_siblings` at its
 * default 5) set on the bench's server before anything is measured, so L_pg and the pipeline both run with it.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { freePort, startInfrastructure, stateSubdir, type KafkaCredentials } from '@relais/infra';
import { EventPublisher, HandlesEvent, MessagingModule, MessagingParkedKeys1765000000000, MessagingTables1732350000000, type EventContext } from '@relais/messaging';
import { migrate, PersistenceModule, Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import type { EventPayload } from '@relais/contracts';
import { Client } from 'pg';
import { DataSource, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { atFixedRate, printTable, round, summarize, type LatencySummary } from '../shared/stats';
import { BenchTables1732350000001 } from './bench-tables.migration';
import { measureKafkaLimit, measurePostgresLimit } from './raw-limits';

const EVENT = 'fr.relais.notification.delivery.outcome.v1';
type Outcome = EventPayload<typeof EVENT>;
// Every messaging table the consumer reads (the parked keys since ADR 0003), then the bench's own.
const migrations = [MessagingTables1732350000000, MessagingParkedKeys1765000000000, BenchTables1732350000001];
let phase = 'warm-up';

/**
 * Latency is measured from the commit of the business transaction to the commit of the consumer's
 * transaction that applied the event (its effect visible), both seen by this process, on its
 * monotonic clock. Neither the publisher's own transaction nor a wait for a pool connection counts:
 * that is the publisher's latency, not the pipeline's.
 */
interface Publication {
  phase: string;
  committedAt?: number;
  appliedAt?: number;
}
const publications = new Map<string, Publication>();
const PUBLISHED = Symbol('bench.published');
const APPLIED = Symbol('bench.applied');

function marks(runner: QueryRunner | undefined, key: symbol): string[] {
  if (!runner) throw new Error('the bench needs a TypeORM transaction to time commits');
  const data = runner.data as Record<symbol, string[] | undefined>;
  return (data[key] ??= []);
}

/**
 * Notes when the outer COMMIT of transactions that published or applied bench events returned. In the
 * consumers process of a split run, `onApplied` hands the applied ids to the api process with the time on
 * the shared wall clock (performance.timeOrigin + now: both processes run on this machine).
 */
class CommitClock implements EntitySubscriberInterface {
  constructor(private readonly onApplied?: (ids: string[], epochMs: number) => void) {}

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    if (queryRunner.isTransactionActive) return; // a savepoint released, not the commit
    const now = performance.now();
    for (const id of take(queryRunner, PUBLISHED)) {
      const publication = publications.get(id);
      if (publication) publication.committedAt = now;
    }
    const applied = take(queryRunner, APPLIED);
    if (this.onApplied) {
      if (applied.length > 0) this.onApplied(applied, performance.timeOrigin + now);
      return;
    }
    for (const id of applied) {
      const publication = publications.get(id);
      if (publication) publication.appliedAt = now;
    }
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (queryRunner.isTransactionActive) return;
    take(queryRunner, PUBLISHED);
    take(queryRunner, APPLIED);
  }
}

function take(runner: QueryRunner, key: symbol): string[] {
  const data = runner.data as Record<symbol, string[] | undefined> | undefined;
  const ids = data?.[key] ?? [];
  if (data) delete data[key];
  return ids;
}

@Injectable()
class BenchFlow {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
  ) {}

  /** What a service does on a request: its own row and the event announcing it, in one transaction. */
  @Transactional()
  async publishOne(): Promise<void> {
    const payload: Outcome = {
      deliveryId: randomUUID(),
      channel: 'webhook',
      // The phase travels with the event: in a split run the consumer is another process.
      cause: `bench:${phase}`,
      referralId: null,
      recipientStructureId: null,
      status: 'sent',
      attempt: 1,
      reason: null,
      at: new Date().toISOString(),
    };
    publications.set(payload.deliveryId, { phase });
    await this.txHost.tx.query('INSERT INTO bench_business (id, payload) VALUES ($1, $2)', [payload.deliveryId, JSON.stringify({ filler: 'x'.repeat(700) })]);
    await this.publisher.publish(EVENT, payload);
    marks(this.txHost.tx.queryRunner, PUBLISHED).push(payload.deliveryId);
  }

  /** The trivial projection: one row per event (latency_ms: from the business commit to this handler's start). */
  @HandlesEvent(EVENT)
  async onOutcome(payload: Outcome, _context: EventContext<typeof EVENT>): Promise<void> {
    const publication = publications.get(payload.deliveryId);
    await this.txHost.tx.query('INSERT INTO bench_projection (id, phase, latency_ms) VALUES ($1, $2, $3)', [
      payload.deliveryId,
      payload.cause.replace(/^bench:/, ''),
      publication?.committedAt === undefined ? -1 : performance.now() - publication.committedAt,
    ]);
    marks(this.txHost.tx.queryRunner, APPLIED).push(payload.deliveryId);
  }
}

/** Where the pipeline runs; the consumers process of a split run receives it on its command line. */
interface PipelineTarget {
  databaseUrl: string;
  brokers: string[];
  sasl?: KafkaCredentials;
  topicPrefix: string;
}

/** `workers`: whether this process relays and consumes (false for the api process of a split run). */
async function pipeline(target: PipelineTarget, workers: boolean, onApplied?: (ids: string[], epochMs: number) => void): Promise<INestApplicationContext> {
  @Module({
    imports: [
      PersistenceModule.forRoot({ url: target.databaseUrl, entities: [], migrations, poolSize: 16 }),
      MessagingModule.forRoot({
        service: 'notification',
        brokers: target.brokers,
        ...(target.sasl ? { sasl: target.sasl } : {}),
        topicPrefix: target.topicPrefix,
        consumer: { concurrency: 6 },
        workers,
      }),
    ],
    providers: [BenchFlow],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
  await app.init();
  app.get(DataSource).subscribers.push(new CommitClock(onApplied));
  return app;
}

const CONSUMERS_FLAG = '--consumers-process';

/** The consumers process of a split run: relays and consumes until its parent tells it to stop. */
async function consumersProcess(target: PipelineTarget): Promise<void> {
  let pending: Array<[string, number]> = [];
  const app = await pipeline(target, true, (ids, epochMs) => {
    for (const id of ids) pending.push([id, epochMs]);
  });
  // Batched: one IPC message per commit would cost the consumer's event loop more than the work measured.
  const flush = setInterval(() => {
    if (pending.length === 0) return;
    process.send?.({ applied: pending });
    pending = [];
  }, 20);
  process.send?.({ ready: true });
  // Stops when told to, or when the api process is gone (the IPC channel closes).
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.once('disconnect', () => resolve());
  });
  clearInterval(flush);
  await app.close();
}

/** Starts the consumers process and resolves once its consumer and relay run; applied times land in `publications`. */
async function startConsumersProcess(target: PipelineTarget): Promise<ChildProcess> {
  const child = fork(process.argv[1] ?? '', [CONSUMERS_FLAG, JSON.stringify(target)], { execArgv: process.execArgv, stdio: 'inherit' });
  child.on('message', (message: { applied?: Array<[string, number]> }) => {
    for (const [id, epochMs] of message.applied ?? []) {
      const publication = publications.get(id);
      if (publication) publication.appliedAt = epochMs - performance.timeOrigin;
    }
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the consumers process exited at start (code ${code})`)));
    child.on('message', (message: { ready?: boolean }) => {
      if (message.ready) resolve();
    });
  });
  return child;
}

async function stopConsumersProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ stop: true });
  await exited;
}

/** Events of the phase applied (a count: fetching every row while the consumer drains would slow it down). */
async function projected(app: INestApplicationContext, name: string): Promise<number> {
  const rows = await app.get(TransactionHost<TransactionalAdapterTypeOrm>).tx.query<Array<{ n: string }>>('SELECT count(*) AS n FROM bench_projection WHERE phase = $1', [name]);
  return Number(rows[0]?.n ?? 0);
}

async function waitForCount(app: INestApplicationContext, name: string, expected: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await projected(app, name)) < expected) {
    if (Date.now() > deadline) throw new Error(`phase ${name}: only ${await projected(app, name)}/${expected} events consumed`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Commit-to-commit latencies of a phase, once this process has seen every consumer commit return. */
async function latencies(name: string): Promise<number[]> {
  const mine = [...publications.values()].filter((publication) => publication.phase === name);
  const deadline = Date.now() + 10_000;
  while (mine.some((publication) => publication.appliedAt === undefined || publication.committedAt === undefined)) {
    if (Date.now() > deadline) throw new Error(`phase ${name}: commits not timed`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return mine.map((publication) => (publication.appliedAt ?? Number.NaN) - (publication.committedAt ?? Number.NaN));
}

async function fixedRate(app: INestApplicationContext, rate: number, seconds: number): Promise<LatencySummary> {
  phase = `rate-${rate}`;
  const flow = app.get(BenchFlow);
  await atFixedRate(rate, seconds * 1000, () => flow.publishOne());
  await waitForCount(app, phase, rate * seconds);
  return summarize(await latencies(phase));
}

/** As many events as 8 concurrent publishers can commit, then until the consumer has caught up. */
async function sustained(app: INestApplicationContext, seconds: number): Promise<{ eventsPerSecond: number; published: number }> {
  phase = 'sustained';
  const flow = app.get(BenchFlow);
  let published = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < deadline) {
        await flow.publishOne();
        published++;
      }
    }),
  );
  await waitForCount(app, phase, published);
  return { eventsPerSecond: published / ((performance.now() - started) / 1000), published };
}

/** Group commit on the bench's own server: a committing backend waits this long for others to share its WAL flush. */
async function setCommitDelay(adminUrl: string, microseconds: number): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // ALTER SYSTEM takes no parameters: the value was checked to be an integer above.
    await admin.query(`ALTER SYSTEM SET commit_delay = ${microseconds}`);
    await admin.query('SELECT pg_reload_conf()');
    process.stdout.write(`group commit: commit_delay = ${microseconds} µs, commit_siblings = 5\n`);
  } finally {
    await admin.end();
  }
}

async function main(): Promise<void> {
  const split = process.argv.includes('--split');
  const dataDir = stateSubdir('bench', `pipeline-${process.pid}`);
  const [postgres, kafka, kafkaController, identity] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  process.stdout.write('starting PostgreSQL and Kafka (durable settings: fsync on)…\n');
  const infrastructure = await startInfrastructure({ dataDir, ports: { postgres, kafka, kafkaController, identity }, fast: false });
  const commitDelay = Number(process.argv.find((arg) => arg.startsWith('--commit-delay='))?.split('=')[1] ?? 0);
  try {
    if (!Number.isInteger(commitDelay) || commitDelay < 0 || commitDelay > 100_000) throw new Error('--commit-delay must be an integer of microseconds, 0 to 100000');
    if (commitDelay > 0) await setCommitDelay(infrastructure.adminDatabaseUrl, commitDelay);
    const rawUrl = await infrastructure.database('bench_raw');
    await migrate({ url: rawUrl, entities: [], migrations });
    process.stdout.write('measuring L_pg (8 clients, business + outbox row per transaction)…\n');
    const limitPg = await measurePostgresLimit(rawUrl);
    process.stdout.write('measuring L_kafka (1 KB JSON, batches of 500, 3 partitions)…\n');
    const limitKafka = await measureKafkaLimit(infrastructure.kafkaBrokers, infrastructure.kafkaAdmin);

    const target: PipelineTarget = {
      databaseUrl: await infrastructure.database('bench_pipeline'),
      brokers: infrastructure.kafkaBrokers,
      ...(infrastructure.kafkaAdmin ? { sasl: infrastructure.kafkaAdmin } : {}),
      topicPrefix: `bench-${Date.now()}.`,
    };
    const app = await pipeline(target, !split);
    if (split) process.stdout.write('split: this process publishes (api), a child process relays and consumes (consumers)…\n');
    const consumers = split ? await startConsumersProcess(target) : undefined;
    try {
      phase = 'warm-up';
      const flow = app.get(BenchFlow);
      for (let i = 0; i < 200; i++) await flow.publishOne();
      await waitForCount(app, 'warm-up', 200);
      process.stdout.write('sustained maximum (20 s)…\n');
      const max = await sustained(app, 20);
      process.stdout.write('fixed rate 100 events/s (20 s)…\n');
      const at100 = await fixedRate(app, 100, 20);
      process.stdout.write('fixed rate 500 events/s (20 s)…\n');
      const at500 = await fixedRate(app, 500, 20);

      const limit = Math.min(limitPg, limitKafka);
      const ratio = max.eventsPerSecond / limit;
      printTable('Raw limits (same run)', [
        { limit: 'L_pg', 'per second': round(limitPg, 0), what: 'business + outbox transactions, 8 clients' },
        { limit: 'L_kafka', 'per second': round(limitKafka, 0), what: 'produce→consume 1 KB JSON, 3 partitions' },
      ]);
      printTable(`Pipeline (outbox → relay → Kafka → inbox + projection)${split ? ', split: api + consumers processes' : ''}`, [
        { measure: 'sustained events/s', value: round(max.eventsPerSecond, 0), target: '≥ 500', 'ratio to target': round(max.eventsPerSecond / 500, 2) },
        { measure: 'ratio to min(L_pg, L_kafka)', value: round(ratio, 2), target: '≥ 0.5', 'ratio to target': round(ratio / 0.5, 2) },
        { measure: 'p50 ms @100/s', value: at100.p50, target: '', 'ratio to target': '' },
        { measure: 'p95 ms @100/s', value: at100.p95, target: '', 'ratio to target': '' },
        { measure: 'p99 ms @100/s', value: at100.p99, target: '≤ 100', 'ratio to target': round(at100.p99 / 100, 2) },
        { measure: 'p50 ms @500/s', value: at500.p50, target: '', 'ratio to target': '' },
        { measure: 'p95 ms @500/s', value: at500.p95, target: '', 'ratio to target': '' },
        { measure: 'p99 ms @500/s', value: at500.p99, target: '', 'ratio to target': '' },
      ]);
      const result = {
        benchmark: 'pipeline',
        split,
        commitDelayMicroseconds: commitDelay,
        load: loadavg()[0],
        limits: { postgresTxPerSecond: round(limitPg, 0), kafkaMessagesPerSecond: round(limitKafka, 0) },
        sustained: { eventsPerSecond: round(max.eventsPerSecond, 0), published: max.published, ratioToRawLimit: round(ratio, 3) },
        latencyMs: { at100: at100, at500: at500 },
        targets: { ratioToRawLimit: 0.5, p99At100Ms: 100, sustainedEventsPerSecond: 500 },
        met: { ratio: ratio >= 0.5, p99At100: at100.p99 <= 100, sustained: max.eventsPerSecond >= 500 },
      };
      process.stdout.write(`\n${JSON.stringify(result)}\n`);
    } finally {
      if (consumers) await stopConsumersProcess(consumers);
      await app.close();
    }
  } finally {
    await infrastructure.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const consumersTarget = process.argv.indexOf(CONSUMERS_FLAG);
(consumersTarget >= 0 ? consumersProcess(JSON.parse(process.argv[consumersTarget + 1] ?? '{}') as PipelineTarget) : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:pipeline failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
