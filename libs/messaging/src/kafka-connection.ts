import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging-options';

/** The service's one kafkajs client; nothing outside libs/messaging sees kafkajs. */
@Injectable()
export class KafkaConnection implements OnApplicationShutdown {
  readonly kafka: Kafka;
  private admin: Admin | undefined;

  constructor(@Inject(MESSAGING_OPTIONS) readonly options: MessagingOptions) {
    this.kafka = new Kafka({
      clientId: `relais-${options.service}`,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      connectionTimeout: 3000,
      retry: { retries: 5, initialRetryTime: 200 },
    });
  }

  /** A connected admin client, reused for topic provisioning and readiness probes. */
  async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}
