import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { eventCatalog, type Publisher } from '@relais/contracts';
import { kafkaSasl, type KafkaCredentials } from './kafka';

export interface DirectoryCopiesOptions {
  /** The directory's database, where the seed's snapshot events wait in the outbox. */
  directoryDatabaseUrl: string;
  kafkaBrokers: string[];
  kafkaAdmin?: KafkaCredentials;
  topicPrefix: string;
  timeoutMs?: number;
}

/**
 * Waits until every service that keeps a copy of the directory has read all of it: the directory's outbox
 * has sent every snapshot the seed wrote, and each consumer group's committed offsets on the snapshot topics
 * reached their end. Before that, a diagnostic run right after `npm start` finds no réseau local for its
 * commune and recommends nothing; "prêt" must mean usable. Resolves with what was still behind if the
 * time runs out (the caller says so and goes on: the copies catch up on their own).
 */
export async function awaitDirectoryCopies(options: DirectoryCopiesOptions): Promise<string[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const definitions = Object.values(eventCatalog).filter((definition) => definition.publisher === 'directory');
  const topics = [...new Set(definitions.map((definition) => `${options.topicPrefix}${definition.topic}`))];
  const groups = [...new Set(definitions.flatMap((definition) => definition.consumers as readonly Publisher[]))].map((service) => ({
    group: `${options.topicPrefix}relais-${service}`,
    topics: [...new Set(definitions.filter((d) => (d.consumers as readonly Publisher[]).includes(service)).map((d) => `${options.topicPrefix}${d.topic}`))],
  }));

  const db = new Client({ connectionString: options.directoryDatabaseUrl });
  await db.connect();
  const admin = new Kafka({ clientId: 'relais-start', brokers: options.kafkaBrokers, logLevel: logLevel.NOTHING, ...kafkaSasl(options.kafkaAdmin) }).admin();
  await admin.connect();
  try {
    let behind: string[] = [];
    while (Date.now() < deadline) {
      behind = [];
      const { rows } = await db.query<{ unsent: string }>(`SELECT count(*) AS unsent FROM messaging_outbox WHERE sent_at IS NULL`);
      if (Number(rows[0]?.unsent ?? 0) > 0) behind.push(`annuaire : ${rows[0]?.unsent} événements à envoyer`);
      else {
        const ends = new Map<string, Map<number, bigint>>();
        for (const topic of topics) {
          ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
        }
        for (const { group, topics: read } of groups) {
          for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics: read })) {
            const lag = partitions.reduce((sum, p) => {
              const end = ends.get(topic)?.get(p.partition) ?? 0n;
              const committed = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
              return sum + (end > committed ? end - committed : 0n);
            }, 0n);
            if (lag > 0n) behind.push(`${group} : ${lag} sur ${topic}`);
          }
        }
      }
      if (behind.length === 0) return [];
      await sleep(250);
    }
    return behind;
  } finally {
    await admin.disconnect();
    await db.end();
  }
}
