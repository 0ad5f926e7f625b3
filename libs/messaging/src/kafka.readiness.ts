import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '@relais/platform';
import { KafkaConnection } from './kafka-connection';

@Injectable()
export class KafkaReadiness implements ReadinessCheck {
  readonly name = 'kafka';

  constructor(private readonly connection: KafkaConnection) {}

  async check(): Promise<void> {
    const admin = await this.connection.connectedAdmin();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no broker in the cluster metadata');
  }
}
