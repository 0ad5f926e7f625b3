import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { startKafka, type KafkaBroker, type KafkaBrokerOptions, type KafkaCredentials } from '../src/kafka';
import { stateSubdir } from '../src/state-dir';

const TOPIC = 'relais.test.kafka-broker';
const MESSAGE_COUNT = 100;

jest.setTimeout(300_000);

describe('local Kafka broker', () => {
  const dataDir = stateSubdir('test', `kafka-broker-${process.pid}`);
  let options: KafkaBrokerOptions;
  let broker: KafkaBroker | undefined;

  beforeAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    options = { dataDir, port: await freePort(), controllerPort: await freePort(), heapMb: 256, principals: ['relais-directory'] };
  });

  afterAll(async () => {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves produce and consume, keeps data across a restart, and stops its JVM', async () => {
    broker = await startKafka(options);
    const kafka = client(broker);
    await createTopic(kafka);
    await produce(kafka);
    const firstRead = await consume(kafka, 'first-reader');
    expect(firstRead.map((m) => m.value).sort()).toEqual(expectedValues());
    expect(new Set(firstRead.map((m) => m.partition)).size).toBeGreaterThan(1);

    await stopAndExpectGone(broker);

    const before = broker;
    broker = await startKafka(options);
    // The passwords are the data dir's: the same after a restart.
    expect(broker.admin).toEqual(before.admin);
    expect(broker.principals).toEqual(before.principals);
    const restarted = client(broker);
    expect(await partitionCount(restarted)).toBe(3);
    const replay = await consume(restarted, 'reader-after-restart');
    expect(replay.map((m) => m.value).sort()).toEqual(expectedValues());
    expect(await committedOffsetTotal(restarted, 'first-reader')).toBe(MESSAGE_COUNT);

    await stopAndExpectGone(broker);
  });

  it('lets in only principals that sign in with their SCRAM password, also those added after the format', async () => {
    // A principal the data dir did not have when it was formatted (a new service): added at start.
    broker = await startKafka({ ...options, principals: ['relais-directory', 'relais-reporting'] });
    const reporting = broker.principals['relais-reporting'];
    expect(reporting?.username).toBe('relais-reporting');
    expect(await signsIn(broker, reporting)).toBe(true);
    expect(await signsIn(broker, broker.principals['relais-directory'])).toBe(true);
    expect(await signsIn(broker, { username: 'relais-directory', password: 'guessed' })).toBe(false);
    expect(await signsIn(broker, undefined)).toBe(false);
    await stopAndExpectGone(broker);

    // A data dir that lost its credentials (or was formatted before SASL): new passwords, every user made again.
    const lost = broker;
    rmSync(join(dataDir, 'credentials.json'));
    broker = await startKafka(options);
    expect(broker.admin.password).not.toBe(lost.admin.password);
    expect(await signsIn(broker, broker.admin)).toBe(true);
    expect(await signsIn(broker, broker.principals['relais-directory'])).toBe(true);
    expect(await signsIn(broker, lost.admin)).toBe(false);
    expect(await partitionCount(client(broker))).toBe(3);
    await stopAndExpectGone(broker);
  });

  it('refuses to start on a port that is taken, naming the port', async () => {
    const blocker = createServer();
    const port = await listen(blocker);
    try {
      await expect(startKafka({ ...options, port })).rejects.toThrow(`127.0.0.1:${port} is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

interface Received {
  value: string;
  partition: number;
}

/** A client signed in as `credentials` (the super user by default), or as nobody with null. */
function client(broker: KafkaBroker, credentials: KafkaCredentials | null = broker.admin): Kafka {
  return new Kafka({
    clientId: 'kafka-broker-int-spec',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 1 },
    ...(credentials ? { sasl: { mechanism: 'scram-sha-512', ...credentials } } : {}),
  });
}

async function signsIn(broker: KafkaBroker, credentials: KafkaCredentials | undefined): Promise<boolean> {
  const admin = client(broker, credentials ?? null).admin();
  try {
    await admin.connect();
    // Without SASL the connection opens, and the first request fails.
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function createTopic(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function partitionCount(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    return topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

async function committedOffsetTotal(kafka: Kafka, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
    return (topic?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

async function produce(kafka: Kafka): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = expectedValues().map((value) => ({ key: value, value }));
    await producer.send({ topic: TOPIC, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Reads the topic from the beginning in a fresh group until every message has arrived. */
async function consume(kafka: Kafka, groupId: string): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId });
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} messages arrived`)), 60_000);
      consumer
        .run({
          eachMessage: ({ message, partition }) => {
            received.push({ value: message.value?.toString() ?? '', partition });
            if (received.length === MESSAGE_COUNT) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    // Disconnecting commits the offsets of what was processed.
    await consumer.disconnect();
  }
  return received;
}

async function stopAndExpectGone(broker: KafkaBroker): Promise<void> {
  await broker.stop();
  await broker.stop();
  expect(() => process.kill(broker.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

function expectedValues(): string[] {
  return Array.from({ length: MESSAGE_COUNT }, (_, i) => `message-${String(i).padStart(3, '0')}`).sort();
}

/** Lets the OS pick a free port, then hands back its number for the broker to bind. */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('no port assigned'));
    });
  });
}
