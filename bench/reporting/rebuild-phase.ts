/**
 * The rebuild phase of `npm run bench:reporting` (main.ts calls it): `--rebuild-events` referral events (journeys of
 * every kind the projections count) and the directory's snapshots produced to fresh topics, then
 * `reporting:rebuild` (main.js rebuild) as an operator runs it, replaying them from the beginning into a new
 * version of the projections and switching to it. Figures: events/s over the command's own time (start to switch),
 * the share of it spent applying batches in PostgreSQL, the time producing took, and 8 M events at that rate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { issuePersonRef } from '@relais/contracts';
import { networkSnapshot, serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { kafkaSasl, type Infrastructure } from '@relais/infra';
import { publishFixtures, type Fixture } from '@relais/messaging/testing';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { round } from '../shared/stats';

export interface RebuildPhaseOptions {
  infrastructure: Infrastructure;
  port: number;
  events: number;
  networkIds: string[];
  serviceEnvironment(databaseUrl: string, port: number, topicPrefix: string): Record<string, string>;
  startService(databaseUrl: string, port: number, topicPrefix: string): ChildProcess;
  serviceReady(child: ChildProcess, base: string): Promise<void>;
}

export interface RebuildFigures {
  /** Records the rebuild read (the snapshots twice: once for the directory, once with every topic). */
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Seconds inside the batches' transactions (load, rules, writes, commit); the rest is Kafka and decoding. */
  applySeconds: number;
  producedEvents: number;
  producingSeconds: number;
  /** Resident memory of the rebuild's process at its end. */
  maxRssMb: number;
}

type Step = 'received' | 'accepted' | 'rejected' | 'redirected' | 'started' | 'completed' | 'expired';
const statusOf = { received: 'received', accepted: 'accepted', rejected: 'rejected', redirected: 'redirected', started: 'in-progress', completed: 'completed', expired: 'expired' } as const;

/**
 * Referral journeys as their events: most completed (some with a next step, followed by the person's next referral),
 * a fifth rejected, some expired, some redirected and picked up by a new referral. A person's referrals follow one
 * another in time.
 */
function* rebuildFixtures(events: number, services: Array<{ serviceId: string; structureId: string; networkId: string }>): Generator<Fixture> {
  const by = { role: 'agent' as const, structureId: null, subject: 'bench' };
  let produced = 0;
  let personRef = issuePersonRef();
  let previous: string | null = null;
  for (let i = 0; produced < events; i++) {
    const service = services[i % services.length];
    if (!service) return;
    // Every third journey is the same person's next one (after a next step, a rejection or a redirect).
    if (i % 3 === 0) {
      personRef = issuePersonRef();
      previous = null;
    }
    const at = new Date(Date.now() - (700 - (i % 3) * 200 - (i % 50)) * 3_600_000);
    const parties = { referralId: randomUUID(), personRef, sendingStructureId: service.structureId, receivingStructureId: service.structureId, receivingServiceId: service.serviceId, networkId: service.networkId };
    yield [
      'fr.relais.referral.referral.requested.v1',
      { ...parties, previousReferralId: previous, needs: ['numerique--prendre-en-main-un-ordinateur'], urgency: 'normal', assessmentId: null, consent: { scope: ['contact'], method: 'oral', expiresAt: null }, acknowledgeDueAt: new Date(at.getTime() + 86_400_000).toISOString(), firstContactDueAt: new Date(at.getTime() + 5 * 86_400_000).toISOString(), by, at: at.toISOString() },
    ];
    const kind = i % 10;
    const steps: Array<[Step, string]> =
      kind < 2 ? [['received', 'requested'], ['rejected', 'received']]
      : kind === 2 ? [['expired', 'requested']]
      : kind === 3 ? [['received', 'requested'], ['redirected', 'received']]
      : [['received', 'requested'], ['accepted', 'received'], ['started', 'accepted'], ['completed', 'in-progress']];
    produced += 1 + steps.length;
    let hours = 0;
    for (const [step, from] of steps) {
      hours += 3 + (i % 40);
      yield [
        `fr.relais.referral.referral.${step}.v1`,
        {
          ...parties,
          from: from as 'requested',
          to: statusOf[step],
          reasonCode: step === 'rejected' ? 'hors-perimetre' : null,
          outcome: step === 'completed' ? { summary: null, autonomyGained: 'partiel', nextStep: kind % 2 === 0 ? 'Atelier CV' : null } : null,
          redirectedToReferralId: null,
          by,
          at: new Date(at.getTime() + hours * 3_600_000).toISOString(),
        },
      ];
    }
    previous = kind === 3 ? parties.referralId : null;
  }
}

export async function rebuildPhase(options: RebuildPhaseOptions): Promise<RebuildFigures> {
  const { infrastructure, port, networkIds } = options;
  const prefix = `bench-reporting-rebuild-${Date.now()}.`;
  const producer = new Kafka({ clientId: 'bench-reporting', brokers: infrastructure.kafkaBrokers, ...kafkaSasl(infrastructure.kafkaAdmin), logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const services = Array.from({ length: 600 }, (_, i) => ({ serviceId: randomUUID(), structureId: randomUUID(), networkId: networkIds[i % 7] ?? '' }));
    const directory: Fixture[] = [
      ...networkIds.map((networkId): Fixture => ['fr.relais.directory.network.snapshot.v1', networkSnapshot({ networkId })]),
      ...services.map((s): Fixture => ['fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId: s.structureId, networkIds: [s.networkId], communeCode: '56260' })]),
      ...services.map((s): Fixture => ['fr.relais.directory.service.snapshot.v1', serviceSnapshot({ serviceId: s.serviceId, structureId: s.structureId, networkIds: [s.networkId] })]),
    ];
    const databaseUrl = await infrastructure.database(`bench_reporting_rebuild`);
    // A first start provisions the topics (the broker does not create them on write); it stops before any event.
    const provisioner = options.startService(databaseUrl, port, prefix);
    await options.serviceReady(provisioner, `http://127.0.0.1:${port}/api/reporting`);
    provisioner.kill('SIGTERM');
    await new Promise((resolve) => provisioner.once('exit', resolve));
    process.stdout.write(`rebuild: producing ${options.events} referral events and ${directory.length} snapshots to the topics…\n`);
    const producingStarted = performance.now();
    await publishFixtures(producer, prefix, directory);
    const ids = await publishFixtures(producer, prefix, rebuildFixtures(options.events, services));
    const producingSeconds = (performance.now() - producingStarted) / 1000;
    const total = ids.length + directory.length;
    process.stdout.write(`rebuild: produced ${total} events in ${round(producingSeconds, 0)} s; replaying them with reporting:rebuild…\n`);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--enable-source-maps', join(__dirname, '../../services/reporting/src/main.js'), 'rebuild'], {
        env: { ...options.serviceEnvironment(databaseUrl, port, prefix), LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        process.stdout.write(chunk);
      });
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`reporting:rebuild exited with ${String(code)}`))));
    });
    const done = /reconstruites en ([\d.]+) s \(dont ([\d.]+) s d’écriture\) : (\d+) événements relus/.exec(output);
    if (!done) throw new Error('reporting:rebuild did not say how long it took');
    const memory = /mémoire : (\d+) Mo/.exec(output);
    const seconds = Number(done[1]);
    const events = Number(done[3]);
    return {
      events,
      seconds: round(seconds, 1),
      eventsPerSecond: round(events / seconds, 0),
      applySeconds: Number(done[2]),
      producedEvents: total,
      producingSeconds: round(producingSeconds, 0),
      maxRssMb: Number(memory?.[1] ?? 0),
    };
  } finally {
    await producer.disconnect();
  }
}
