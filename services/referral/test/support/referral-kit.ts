import { randomBytes, randomUUID } from 'node:crypto';
import type { EventPayload, EventType } from '@relais/contracts';
import { networkSnapshot, serviceSnapshot as directoryServiceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { fixturePublisher } from '@relais/messaging/testing';
import { clientToken, eventually, startTestService, testInfrastructure, testKafkaClient, userToken, type TestService } from '@relais/testing';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { AppModule, service } from '../../src/app.module';
import { readConfig } from '../../src/config';
import { ManualClock } from '@relais/platform';
import { demoStructureNetworks } from './demo-structures';

/** The demo accounts the tests act as (infra/src/identity/demo-accounts.ts). */
export const users = {
  cafAgent: 'agent.caf-vannes',
  cafAgent2: 'agent2.caf-vannes',
  ccasVannesAgent: 'agent.ccas-vannes',
  associationAgent: 'agent.association-lorient',
  ccasLorientAgent: 'agent.ccas-lorient',
  pontivyAgent: 'agent.france-services-pontivy',
  coordLorient: 'coord.lorient',
  coordVannes: 'coord.vannes',
  coordPontivy: 'coord.pontivy',
  admin: 'admin.departement',
} as const;

export const clients = {
  cafIntegration: 'caf-vannes-integration',
  associationIntegration: 'association-lorient-integration',
  ccasLorientIntegration: 'ccas-lorient-integration',
  pontivyIntegration: 'france-services-pontivy-integration',
} as const;

export interface Caller {
  token: string;
  structureId: string | null;
  networkIds: string[];
  subject: string;
}

export async function asUser(username: string): Promise<Caller> {
  const { token, user } = await userToken((u) => u.username === username);
  return { token, structureId: user.structureId, networkIds: user.networkIds, subject: user.username };
}

export async function asClient(clientId: string): Promise<Caller> {
  const { token, client } = await clientToken((c) => c.clientId === clientId);
  return { token, structureId: client.structureId, networkIds: client.networkIds, subject: client.clientId };
}

/** The one service every demo structure offers in these tests: its id derives from the structure's. */
export function serviceOf(structureId: string): string {
  return structureId.replace('-b000-', '-a100-');
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export function referralBody(receivingServiceId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    receivingServiceId,
    // No reference: Relais registers the person and answers with their reference (personReference).
    person: {
      firstName: 'Jeanne',
      lastName: 'Le Goff',
      phone: '+33612345678',
      email: 'jeanne.legoff@example.org',
      contactPreference: 'phone',
    },
    reason: 'Déclaration de revenus en ligne à faire avant la fin du mois',
    needs: ['numerique--acceder-a-des-services-en-ligne'],
    urgency: 'normal',
    consent: { scope: ['contact', 'reason', 'assessment'], method: 'oral', obtainedAt: '2026-11-23T09:00:00Z' },
    ...overrides,
  };
}

export interface ReferralKit {
  service: TestService;
  url: string;
  clock: ManualClock;
  db: Client;
  topicPrefix: string;
  brokers: string[];
  request<T = Record<string, unknown>>(method: string, path: string, caller?: Caller | null, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  create(caller: Caller, receivingServiceId: string, overrides?: Record<string, unknown>): Promise<string>;
  move(caller: Caller, id: string, status: string, extra?: Record<string, unknown>): Promise<HttpResult>;
  publish: Publish;
  seedDirectory(structureIds: string[], options?: { networkSla?: Partial<EventPayload<'fr.relais.directory.network.snapshot.v1'>['sla']> }): Promise<void>;
  stop(): Promise<void>;
}

/** Dates of the demo: the clock starts on Monday 23 November 2026, 10:00 in Paris. */
export const START = new Date('2026-11-23T09:00:00Z');

/**
 * Boots the referral service in-process on the shared test infrastructure with a manual clock, plus a
 * database client, a Kafka producer standing in for the directory and diagnostic services, and HTTP helpers.
 */
export async function startReferralKit(options: { clock?: ManualClock; overrides?: Record<string, string> } = {}): Promise<ReferralKit> {
  const clock = options.clock ?? new ManualClock(START);
  const testService = await startTestService(service, readConfig, (config) => AppModule.forRoot(config, { clock }), {
    REFERRAL_MASTER_KEY: randomBytes(32).toString('base64'),
    REFERRAL_SLA_SWEEP_INTERVAL_MS: '0',
    ...options.overrides,
  });
  const db = new Client({ connectionString: testService.env['DATABASE_URL'] });
  await db.connect();
  const brokers = testInfrastructure().kafkaBrokers;
  const topicPrefix = testService.env['KAFKA_TOPIC_PREFIX'] ?? '';
  const producer = await kafkaProducer(brokers);

  const request = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    caller?: Caller | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> => {
    const response = await fetch(`${testService.url}${path}`, {
      method,
      headers: {
        ...(caller ? { authorization: `Bearer ${caller.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
  };

  const publish = directoryPublisher(producer, topicPrefix);

  const kit: ReferralKit = {
    service: testService,
    url: testService.url,
    clock,
    db,
    topicPrefix,
    brokers,
    request,
    async create(caller, receivingServiceId, overrides = {}) {
      const result = await request<{ id: string }>('POST', '/v1/referrals', caller, referralBody(receivingServiceId, overrides));
      if (result.status !== 201) throw new Error(`create answered ${result.status}: ${JSON.stringify(result.body)}`);
      return result.body.id;
    },
    move: (caller, id, status, extra = {}) => request('POST', `/v1/referrals/${id}/transitions`, caller, { status, ...extra }),
    publish,
    seedDirectory: (structureIds, seedOptions = {}) => seedDirectory(publish, db, structureIds, seedOptions),
    async stop() {
      await producer.disconnect();
      await db.end();
      await testService.stop();
    },
  };
  return kit;
}

export type Publish = <T extends EventType>(type: T, payload: EventPayload<T>) => Promise<void>;

/** Publishes catalog events as their owning service would (CloudEvents binary mode): the directory's and diagnostic's stand-in. */
export function directoryPublisher(producer: Producer, topicPrefix: string): Publish {
  const publish = fixturePublisher(producer, topicPrefix);
  return async (type, payload) => {
    await publish(type, payload);
  };
}

export async function kafkaProducer(brokers: string[]): Promise<Producer> {
  const producer = new Kafka({ clientId: 'referral-int-spec', ...testKafkaClient(), brokers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/** Publishes the snapshots of these demo structures, a service each and their networks, then waits for the read model. */
export async function seedDirectory(
  publish: Publish,
  db: Client,
  structureIds: string[],
  options: { networkSla?: Partial<EventPayload<'fr.relais.directory.network.snapshot.v1'>['sla']> } = {},
): Promise<void> {
  const structures = structureNetworks(structureIds);
  const networks = [...new Set(structures.flatMap((s) => s.networkIds))];
  const updatedAt = new Date().toISOString();
  for (const networkId of networks) {
    await publish(
      'fr.relais.directory.network.snapshot.v1',
      networkSnapshot({
        networkId,
        updatedAt,
        name: `Réseau ${networkId.slice(-2)}`,
        sla: { acknowledgeBusinessDays: 2, firstContactBusinessDays: 10, expireAfterDays: 30, ...options.networkSla },
      }),
    );
  }
  for (const structure of structures) {
    await publish(
      'fr.relais.directory.structure.snapshot.v1',
      structureSnapshot({ structureId: structure.structureId, updatedAt, name: `Structure ${structure.structureId.slice(-2)}`, typology: 'CCAS', networkIds: structure.networkIds }),
    );
    await publish('fr.relais.directory.service.snapshot.v2', serviceSnapshot(structure.structureId, structure.networkIds));
  }
  await eventually(
    async () => {
      const { rows } = await db.query<{ services: string; networks: string }>(
        `SELECT (SELECT count(*) FROM directory_services) AS services, (SELECT count(*) FROM directory_networks) AS networks`,
      );
      expect(Number(rows[0]?.services)).toBeGreaterThanOrEqual(structures.length);
      expect(Number(rows[0]?.networks)).toBeGreaterThanOrEqual(networks.length);
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

/** The networks of demo structures, as the demo accounts carry them. */
function structureNetworks(structureIds: string[]): Array<{ structureId: string; networkIds: string[] }> {
  const known = demoStructureNetworks();
  return structureIds.map((structureId) => ({ structureId, networkIds: known.get(structureId) ?? [] }));
}

export function serviceSnapshot(
  structureId: string,
  networkIds: string[],
  overrides: Partial<EventPayload<'fr.relais.directory.service.snapshot.v2'>> = {},
): EventPayload<'fr.relais.directory.service.snapshot.v2'> {
  return directoryServiceSnapshot({
    serviceId: serviceOf(structureId),
    structureId,
    name: 'Accompagnement aux démarches en ligne',
    thematiques: ['numerique--acceder-a-des-services-en-ligne'],
    publics: [],
    networkIds,
    ...overrides,
  });
}

/** Reads every record of the given Kafka topics from their start (a throw-away consumer group). */
export async function readTopics(
  brokers: string[],
  topics: string[],
  enough: (records: Array<{ topic: string; key: string | null; value: string; headers: Record<string, string> }>) => boolean,
  timeoutMs = 20_000,
): Promise<Array<{ topic: string; key: string | null; value: string; headers: Record<string, string> }>> {
  const kafka = new Kafka({ clientId: 'referral-int-spec-reader', ...testKafkaClient(), brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const records: Array<{ topic: string; key: string | null; value: string; headers: Record<string, string> }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${records.length} records read from ${topics.join(', ')}`)), timeoutMs);
      void consumer.run({
        eachMessage: ({ topic, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            const last = Array.isArray(value) ? value[value.length - 1] : value;
            if (last !== undefined) headers[name] = last.toString();
          }
          records.push({ topic, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
          if (enough(records)) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The catalog events the service published for one referral, in order (read from its Kafka topic). */
export async function referralEvents(kit: ReferralKit, referralId: string, atLeast: number): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  const records = await readTopics(kit.brokers, [`${kit.topicPrefix}relais.referral.referral.v1`], (all) => all.filter((r) => r.key === referralId).length >= atLeast);
  return records
    .filter((record) => record.key === referralId)
    .map((record) => ({ type: record.headers['ce_type'] ?? '', payload: JSON.parse(record.value) as Record<string, unknown> }));
}
