import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type EventPayload, type EventType, type Publisher } from '@relais/contracts';
import { EventPublisher, MessagingModule, MessagingTables1732350000000 } from '@relais/messaging';
import { PersistenceModule, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { createTestDatabase } from './test-service';
import { testInfrastructure } from './test-infrastructure';

@Injectable()
class OutboxWriter {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
  ) {}

  // The injected host, not @Transactional(): nestjs-cls keeps one static host per process and a test
  // runs the service under test in the same process.
  publish<T extends EventType>(type: T, payload: EventPayload<T>): Promise<string> {
    return this.txHost.withTransaction(() => this.publisher.publish(type, payload));
  }
}

export interface TestPublisher {
  /** Publishes through a real outbox and relay, as the named service would. */
  publish<T extends EventType>(type: T, payload: EventPayload<T>): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Stands in for another service on the wire (e.g. the directory feeding a read model): real outbox,
 * real relay, real Kafka, under the topic prefix of the service under test.
 */
export async function startTestPublisher(service: Publisher, topicPrefix: string): Promise<TestPublisher> {
  const database = await createTestDatabase(`pub_${service}`);
  @Module({
    imports: [
      PersistenceModule.forRoot({ url: database.url, entities: [], migrations: [MessagingTables1732350000000], poolSize: 4 }),
      MessagingModule.forRoot({ service, brokers: testInfrastructure().kafkaBrokers, topicPrefix }),
    ],
    providers: [OutboxWriter],
  })
  class TestPublisherModule {}
  const app: INestApplicationContext = await NestFactory.createApplicationContext(TestPublisherModule, { logger: ['error'] });
  await app.init();
  const writer = app.get(OutboxWriter);
  return {
    publish: (type, payload) => writer.publish(type, payload),
    stop: async () => {
      await app.close();
      await database.drop();
    },
  };
}
