import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { WebhookDeliverer } from './webhook-deliverer';
import { webhookEventTypes } from './webhook-events';

interface ReferralParties {
  referralId: string;
  sendingStructureId: string;
  receivingStructureId: string;
}

/**
 * Turns each referral event into one delivery per subscription of the structures concerned (the sender
 * and the receiver), in the consumer's transaction; the deliverer sends them afterwards.
 */
@Injectable()
export class WebhookFanout {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly deliverer: WebhookDeliverer,
  ) {}

  @HandlesEvent(...webhookEventTypes)
  async onReferralEvent(payload: ReferralParties, context: EventContext): Promise<void> {
    // The webhook body is the CloudEvent itself (structured JSON mode): receivers need no Relais-specific parsing.
    const body = {
      specversion: '1.0',
      id: context.id,
      source: context.source,
      type: context.type,
      subject: context.subject,
      time: context.time.toISOString(),
      datacontenttype: 'application/json',
      data: payload,
    };
    const subscriptions = await this.txHost.tx.query<Array<{ id: string }>>(
      `SELECT id FROM webhook_subscription WHERE structure_id = ANY($1::uuid[]) AND $2 = ANY(event_types)`,
      [[payload.sendingStructureId, payload.receivingStructureId], context.type],
    );
    for (const subscription of subscriptions) {
      await this.txHost.tx.query(
        `INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, referral_id, body)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subscription_id, event_id) DO NOTHING`,
        [randomUUID(), subscription.id, context.id, context.type, payload.referralId, JSON.stringify(body)],
      );
    }
    if (subscriptions.length > 0) this.deliverer.wakeSoon();
  }
}
