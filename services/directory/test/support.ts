import { randomUUID } from 'node:crypto';
import { clientToken, eventually, startTestService, testKafkaClient, userToken, type TestService } from '@relais/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

/** The directory in-process against the run's Postgres, Kafka and identity provider; no background sweep. */
export function startDirectory(overrides: Record<string, string> = {}): Promise<TestService> {
  return startTestService(service, readConfig, (config) => AppModule.forRoot(config, { scheduler: false }), {
    DIRECTORY_SWEEP_INTERVAL_SECONDS: '0',
    ...overrides,
  });
}

export const tokens = {
  admin: async () => (await clientToken((c) => c.roles.includes('admin'))).token,
  coordinator: async (username = 'coord.vannes') => userToken((u) => u.username === username),
  agent: async (username = 'agent.ccas-vannes') => userToken((u) => u.username === username),
};

export type DemoUser = Parameters<Parameters<typeof userToken>[0]>[0];

/**
 * Every demo user with its structure and networks. Read through userToken's pick, which visits them
 * all (and then rejects: nobody was picked), so the test needs nothing of infra beyond libs/testing.
 */
export async function demoUsers(): Promise<DemoUser[]> {
  const seen: DemoUser[] = [];
  await userToken((user) => {
    seen.push(user);
    return false;
  }).catch(() => undefined);
  return seen;
}

export interface Call {
  status: number;
  body: unknown;
  headers: Headers;
}

/** A JSON call to the service under test. */
export function api(base: string) {
  return async (method: string, path: string, options: { token?: string; body?: unknown; raw?: string; contentType?: string } = {}): Promise<Call> => {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'text/plain';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
}

export interface ReceivedEvent {
  topic: string;
  key: string;
  type: string;
  payload: Record<string, unknown>;
}

/** Reads the service's topics from the beginning, as another service would (kafkajs, tests only). */
export async function consumeTopics(prefix: string, topics: string[]): Promise<{ events: ReceivedEvent[]; stop(): Promise<void> }> {
  const kafka = new Kafka({ clientId: `directory-test-${randomUUID()}`, ...testKafkaClient(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // The relay creates topics on first publication; create them first so the consumer can subscribe.
  await admin.createTopics({ topics: topics.map((topic) => ({ topic: `${prefix}${topic}`, numPartitions: 6 })) }).catch(() => false);
  await admin.disconnect();
  const consumer: Consumer = kafka.consumer({ groupId: `directory-test-${randomUUID()}` });
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic: `${prefix}${topic}`, fromBeginning: true });
  const events: ReceivedEvent[] = [];
  await consumer.run({
    eachMessage: ({ topic, message }) => {
      events.push({
        topic: topic.slice(prefix.length),
        key: message.key?.toString() ?? '',
        type: message.headers?.['ce_type']?.toString() ?? '',
        payload: JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>,
      });
      return Promise.resolve();
    },
  });
  return { events, stop: () => consumer.disconnect() };
}

export { eventually };
