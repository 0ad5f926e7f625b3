import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { MessageSender } from '../messages/message-sender';
import { webhookEventTypes } from './webhook-events';
import { personDigest } from './webhook-person-erasure';

interface ReferralParties {
  referralId: string;
  personRef: string;
  sendingStructureId: string;
  receivingStructureId: string;
}

/**
 * Turns each referral event into one message on the webhook channel per subscription of the structures
 * concerned (the sender and the receiver), in the consumer's transaction; the one sending loop
 * (messages/message-sender.ts) sends them afterwards, as it sends emails and SMS.
 */
@Injectable()
export class WebhookFanout {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    // Absent in an `api` process, which consumes no event and so never calls this handler.
    @Optional() private readonly sender?: MessageSender,
  ) {}

  @HandlesEvent(...webhookEventTypes)
  async onReferralEvent(payload: ReferralParties, context: EventContext): Promise<void> {
    const subscriptions = await this.txHost.tx.query<Array<{ id: string; structure_id: string }>>(
      `SELECT id, structure_id FROM webhook_subscription WHERE structure_id = ANY($1::uuid[]) AND $2 = ANY(event_types)`,
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
      // The event id is the `webhook-id` receivers deduplicate on: it is this message's Message-ID.
      await this.txHost.tx.query(
        `INSERT INTO notification_message (id, dedupe_key, message_id, event_id, event_type, template, referral_id, recipient_kind,
                                           recipient_structure_id, channel, subscription_id, body_text, status)
         VALUES ($1, $2, $3, $3, $4, 'cloudevent', $5, 'software', $6, 'webhook', $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING`,
        [
          randomUUID(),
          `webhook:${subscription.id}:${context.id}`,
          context.id,
          context.type,
          payload.referralId,
          subscription.structure_id,
          subscription.id,
          body,
          body === null ? 'cancelled' : 'queued',
        ],
      );
    }
    if (body !== null) this.sender?.wakeSoon();
  }
}
