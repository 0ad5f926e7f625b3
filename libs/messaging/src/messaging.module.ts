import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EVENT_BROKERS, type EventBrokers } from '@relais/platform';
import { DeadLetters } from './dead-letters';
import { DirectProducer } from './direct-producer';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { HandlerRegistry } from './handler-registry';
import { InboxPruning, OutboxPruning } from './messaging-pruning';
import { KafkaConnection } from './kafka-connection';
import { KafkaReadiness } from './kafka.readiness';
import { MessageProcessor } from './message-processor';
import { MessagingLifecycle } from './messaging-lifecycle';
import { MessagingMetrics } from './messaging-metrics';
import { MESSAGING_OPTIONS, resolveMessagingOptions, RESOLVED_MESSAGING_OPTIONS, type MessagingOptions } from './messaging-options';
import { OutboxRelay } from './outbox-relay';
import { OutboxSignal } from './outbox-signal';
import { ParkedKeys } from './parked-keys';
import { TopicReplay } from './topic-replay';
import { TopicProvisioner } from './topic-provisioner';

function optionProviders(options: MessagingOptions): Provider[] {
  const resolved = resolveMessagingOptions(options);
  return [
    { provide: MESSAGING_OPTIONS, useValue: options },
    { provide: RESOLVED_MESSAGING_OPTIONS, useValue: resolved },
    // The served AsyncAPI document names the brokers in force (libs/platform reads this token).
    { provide: EVENT_BROKERS, useValue: { brokers: resolved.brokers, ssl: resolved.ssl } satisfies EventBrokers },
  ];
}

/**
 * The service's Kafka port. Needs PersistenceModule (the outbox, inbox and redrive tables live in the
 * service database, written through its ambient transactions; their pruning jobs run as PeriodicJobs).
 */
@Module({})
export class MessagingModule {
  /** Publishing (outbox + relay) and consuming (@HandlesEvent methods), started at application bootstrap. */
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        ...optionProviders(options),
        KafkaConnection,
        KafkaReadiness,
        TopicProvisioner,
        EventPublisher,
        OutboxRelay,
        OutboxPruning,
        OutboxSignal,
        HandlerRegistry,
        DirectProducer,
        ParkedKeys,
        MessagingMetrics,
        MessageProcessor,
        EventConsumer,
        InboxPruning,
        DeadLetters,
        MessagingLifecycle,
        TopicReplay,
      ],
      exports: [KafkaConnection, KafkaReadiness, EventPublisher, DeadLetters, TopicReplay],
    };
  }

  /**
   * For one-off commands (`dead-letters list|redrive`): the same connections without the consumer
   * and the relay, so running a command never joins the service's group nor takes the relay lock.
   */
  static forCommands(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [...optionProviders(options), KafkaConnection, KafkaReadiness, DirectProducer, DeadLetters],
      exports: [KafkaConnection, KafkaReadiness, DeadLetters],
    };
  }
}
