import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type ConsumerConfig, type Producer } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';
import { TopicNames } from './topic-names';

/** The service's one kafkajs client; nothing outside libs/messaging sees kafkajs. */
@Injectable()
export class KafkaConnection implements OnApplicationShutdown {
  readonly kafka: Kafka;
  readonly topics: TopicNames;
  private admin: Promise<Admin> | undefined;

  constructor(@Inject(RESOLVED_MESSAGING_OPTIONS) readonly options: ResolvedMessagingOptions) {
    this.topics = new TopicNames(options.topicPrefix, options.service);
    this.kafka = new Kafka({
      // The prefix is part of the id so that two prefixes on one cluster share no client quota or log line.
      clientId: `${options.topicPrefix}relais-${options.service}`,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator,
      connectionTimeout: 3000,
      retry: { retries: 5, initialRetryTime: 200 },
      // The service's own principal: the broker's ACLs decide what it may write, read and create.
      ...(options.sasl ? { sasl: { mechanism: 'scram-sha-512', username: options.sasl.username, password: options.sasl.password } } : {}),
      ssl: options.ssl,
    });
  }

  /** A connected admin client, reused for topic provisioning and readiness probes. */
  async connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    try {
      return await this.admin;
    } catch (error) {
      this.admin = undefined;
      throw error;
    }
  }

  /**
   * An idempotent producer: the broker drops a batch it already wrote when kafkajs resends it, and
   * kafkajs requires one request in flight per connection for that (it also keeps order per partition).
   * Retries are bounded so a send fails while the broker is away instead of blocking shutdown forever.
   */
  createProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The relay retries a failed batch itself (with a new producer), so kafkajs need not insist for long.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    });
  }

  /** `fetch`: fetch sizes of a consumer that reads much at once (the replay of a rebuild), over the defaults. */
  createConsumer(groupId: string, fetch: Pick<ConsumerConfig, 'maxBytes' | 'maxBytesPerPartition' | 'minBytes' | 'maxWaitTimeInMs'> = {}): Consumer {
    return this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // A member that died without leaving (a crash, a broker restart) holds its partitions until its
      // session expires: short, since handlers heartbeat while they work.
      sessionTimeout: 10_000,
      rebalanceTimeout: 60_000,
      heartbeatInterval: 3_000,
      // A paused retry partition is fetched again only after the current long poll returns: keep it short.
      maxWaitTimeInMs: 1_000,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000, restartOnFailure: () => Promise.resolve(true) },
      ...fetch,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }
}
