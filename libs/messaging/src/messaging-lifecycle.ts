import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumer } from './event-consumer';
import { HandlerRegistry } from './handler-registry';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';
import { OutboxRelay } from './outbox-relay';
import { TopicProvisioner } from './topic-provisioner';

/**
 * Starts messaging once every provider exists, and stops it before the database pool closes:
 * handlers in flight finish and their offsets are committed, the relay finishes its batch and lets go
 * of its lock and connection. SIGTERM (enableShutdownHooks) therefore loses nothing.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly provisioner: TopicProvisioner,
    private readonly consumer: EventConsumer,
    private readonly relay: OutboxRelay,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.workers) {
      // An `api` process: it publishes through the outbox only; another process's relay sends the rows.
      this.logger.log('api process: neither consuming nor relaying (the consumers process does)');
      return;
    }
    this.registry.discover();
    // Topics first: the broker does not create them on use, and a subscription to a missing topic fails.
    await this.provisioner.provision(this.registry.consumedTopics());
    await this.consumer.start();
    this.relay.start();
    const handled = this.registry.handledTypes();
    this.logger.log(handled.length > 0 ? `consuming ${handled.join(', ')}` : 'no event handler: not consuming');
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Stopping what never started returns at once.
    await Promise.all([this.consumer.stop(), this.relay.stop()]);
  }
}
