import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type EventPayload, type EventType, type Publisher } from '@relais/contracts';
import { PersistenceModule, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { EventPublisher } from '../event-publisher';
import { MessagingTables1732350000000 } from '../messaging-tables.migration';
import type { KafkaCredentials } from '../messaging-options';
import { MessagingModule } from '../messaging.module';

@Injectable()
class OutboxWriter {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
  ) {}

  // The injected host, not @Transactional(): nestjs-cls keeps one static host per process, and a stand-in
  // usually shares its process with the service it feeds.
  publish<T extends EventType>(type: T, payload: EventPayload<T>): Promise<string> {
    return this.txHost.withTransaction(() => this.publisher.publish(type, payload));
  }
}

export interface StandInPublisher {
  /** Publishes through a real outbox and relay, as the named service would. */
  publish<T extends EventType>(type: T, payload: EventPayload<T>): Promise<string>;
  stop(): Promise<void>;
}

export interface StandInOptions {
  /** The service whose events this stands in for (the catalog checks it publishes them). */
  service: Publisher;
  /** An empty database of its own, for its outbox. */
  databaseUrl: string;
  brokers: string[];
  /** The Kafka principal it writes with (one allowed to write the named service's topics). */
  sasl?: KafkaCredentials;
  topicPrefix: string;
}

/**
 * Stands in for another service on the wire (e.g. the directory feeding a read model in a test or a
 * benchmark): real outbox, real relay, real Kafka — never a shortcut around them.
 */
export async function startStandInPublisher(options: StandInOptions): Promise<StandInPublisher> {
  @Module({
    imports: [
      PersistenceModule.forRoot({ url: options.databaseUrl, entities: [], migrations: [MessagingTables1732350000000], poolSize: 4 }),
      MessagingModule.forRoot({
        service: options.service,
        brokers: options.brokers,
        topicPrefix: options.topicPrefix,
        ...(options.sasl ? { sasl: options.sasl } : {}),
      }),
    ],
    providers: [OutboxWriter],
  })
  class StandInModule {}
  const app: INestApplicationContext = await NestFactory.createApplicationContext(StandInModule, { logger: ['error'] });
  await app.init();
  const writer = app.get(OutboxWriter);
  return {
    publish: (type, payload) => writer.publish(type, payload),
    stop: () => app.close(),
  };
}
