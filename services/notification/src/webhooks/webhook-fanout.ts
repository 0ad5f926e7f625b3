import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { WebhookDeliverer } from './webhook-deliverer';
import { webhookEventTypes } from './webhook-events';
import { personDigest } from './webhook-person-erasure';

interface ReferralParties {
  referralId: string;
  personRef: string;
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
    // Absent in an `api` process, which consumes no event and so never calls this handler.
    @Optional() private readonly deliverer?: WebhookDeliverer,
  ) {}

  @HandlesEvent(...webhookEventTypes)
  async onReferralEvent(payload: ReferralParties, context: EventContext): Promise<void> {
    const subscriptions = await this.txHost.tx.query<Array<{ id: string }>>(
      `SELECT id FROM webhook_subscription WHERE structure_id = ANY($1::uuid[]) AND $2 = ANY(event_types)`,
      [[payload.sendingStructureId, payload.receivingStructureId], context.type],
    );
    if (subscriptions.length === 0) return;
    // An event about a person erased meanwhile (it travelled on another topic than the erasure) is
    // counted as a cancelled delivery and never stored nor sent.
    const erased = await this.txHost.tx.query<unknown[]>(`SELECT 1 FROM webhook_erased_person WHERE ref_digest = $1`, [personDigest(payload.personRef)]);
    // The webhook body is the CloudEvent itself (structured JSON mode): receivers need no Relais-specific parsing.
    const body =
      erased.length > 0
        ? null
        : JSON.stringify({
            specversion: '1.0',
            id: context.id,
            source: context.source,
            type: context.type,
            subject: context.subject,
            time: context.time.toISOString(),
            datacontenttype: 'application/json',
            data: payload,
          });
    for (const subscription of subscriptions) {
      await this.txHost.tx.query(
        `INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, referral_id, body, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (subscription_id, event_id) DO NOTHING`,
        [randomUUID(), subscription.id, context.id, context.type, payload.referralId, body, body === null ? 'cancelled' : 'pending'],
      );
    }
    if (body !== null) this.deliverer?.wakeSoon();
  }
}
