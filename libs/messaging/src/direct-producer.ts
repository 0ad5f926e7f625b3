import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Message, Producer } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';

/**
 * Sends records that are not business events and so do not go through the outbox: retries, dead
 * letters and redrives. They record a consumer's progress, which Kafka alone holds; the offset of
 * the failed record is committed only once this send is acknowledged.
 */
@Injectable()
export class DirectProducer implements OnApplicationShutdown {
  private producer: Promise<Producer> | undefined;

  constructor(private readonly connection: KafkaConnection) {}

  async send(topic: string, message: Message): Promise<void> {
    const producer = await this.connected();
    try {
      await producer.send({ topic, acks: -1, messages: [message] });
    } catch (error) {
      // An idempotent producer that failed may be out of sequence with the broker: start a new one.
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async connected(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.connection.createProducer();
      await producer.connect();
      return producer;
    })();
    try {
      return await this.producer;
    } catch (error) {
      this.producer = undefined;
      throw error;
    }
  }
}
