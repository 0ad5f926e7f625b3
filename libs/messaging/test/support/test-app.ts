import { Module, type DynamicModule, type INestApplicationContext, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { PersistenceModule } from '@relais/persistence';
import { testInfrastructure } from '@relais/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventPublisher, MessagingModule, MessagingParkedKeys1765000000000, MessagingTables1732350000000, type KafkaCredentials, type MessagingOptions } from '../../src';
import { ServiceProjection, ServiceProjector, TestProjection1732350000001, type ServiceSnapshot } from './service-projection';

export const SERVICE_SNAPSHOT = 'fr.relais.directory.service.snapshot.v1';
export const SERVICE_TOPIC = 'relais.directory.service.v1';

export interface TestAppOptions {
  databaseUrl: string;
  topicPrefix: string;
  brokers: string[];
  /** The privileged test principal of the run's broker unless told otherwise. */
  sasl?: KafkaCredentials;
  consumer?: MessagingOptions['consumer'];
  relay?: MessagingOptions['relay'];
  /** Without the projector the app only publishes (a pure publisher replica). */
  withProjector?: boolean;
  logLevels?: LogLevel[];
  /** Where the app's logs go instead (to assert on them); replaces `logLevels`. */
  logger?: LoggerService;
}

@Module({})
class TestAppModule {
  static forRoot(options: TestAppOptions): DynamicModule {
    return {
      module: TestAppModule,
      imports: [
        PersistenceModule.forRoot({
          url: options.databaseUrl,
          entities: [ServiceProjection],
          migrations: [MessagingTables1732350000000, MessagingParkedKeys1765000000000, TestProjection1732350000001],
          poolSize: 6,
          applicationName: 'messaging-int-spec',
        }),
        // The directory service both publishes service snapshots and, here, projects them.
        MessagingModule.forRoot({
          service: 'directory',
          brokers: options.brokers,
          sasl: options.sasl ?? testInfrastructure().kafkaSasl,
          topicPrefix: options.topicPrefix,
          consumer: { concurrency: 3, retryDelaysMs: [200, 500], ...options.consumer },
          relay: { pollIntervalMs: 500, ...options.relay },
        }),
      ],
      providers: options.withProjector === false ? [] : [ServiceProjector],
    };
  }
}

/** Boots the tiny service: migrations applied, topics created, consumer joined, relay started. */
export async function startTestApp(options: TestAppOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(TestAppModule.forRoot(options), { logger: options.logger ?? options.logLevels ?? ['error', 'warn'] });
}

/** A logger that keeps what it is told (and says errors and warnings aloud, as the default test logger does). */
export class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: 'log' | 'warn' | 'error'; message: string }> = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  warnings(pattern: RegExp): string[] {
    return this.lines.filter((line) => line.level === 'warn' && pattern.test(line.message)).map((line) => line.message);
  }
}

export function projector(app: INestApplicationContext): ServiceProjector {
  return app.get(ServiceProjector);
}

/** Publishes each snapshot in its own transaction, as separate requests would. */
export async function publishSnapshots(app: INestApplicationContext, snapshots: ServiceSnapshot[]): Promise<string[]> {
  const txHost = app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
  const publisher = app.get(EventPublisher);
  const ids: string[] = [];
  for (const snapshot of snapshots) {
    ids.push(await txHost.withTransaction(() => publisher.publish(SERVICE_SNAPSHOT, snapshot)));
  }
  return ids;
}

export async function projections(app: INestApplicationContext): Promise<ServiceProjection[]> {
  return app.get(DataSource).getRepository(ServiceProjection).find({ order: { serviceId: 'ASC' } });
}

export async function count(app: INestApplicationContext, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await app.get(DataSource).query<Array<{ n: string }>>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** A plain kafkajs admin, to look at the cluster as an operator would. */
export async function kafkaAdmin(brokers: string[], sasl: KafkaCredentials | undefined = testInfrastructure().kafkaSasl): Promise<Admin> {
  const admin = new Kafka({ clientId: 'messaging-int-spec', brokers, logLevel: logLevel.NOTHING, ...(sasl ? { sasl: { mechanism: 'scram-sha-512', ...sasl } } : {}) }).admin();
  await admin.connect();
  return admin;
}

/** Records in a topic (sum over partitions of high minus low watermark). */
export async function recordCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
}

/** True when the group has committed, on every partition of the topic, the end of the partition. */
export async function groupCaughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return ends.every((end) => {
    const mine = committed?.partitions.find((p) => p.partition === end.partition);
    return Number(end.high) === 0 || Number(mine?.offset ?? -1) >= Number(end.high);
  });
}
