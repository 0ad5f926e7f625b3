import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';

/**
 * The person-level erasure is the one thing notification listens to about erasure (the per-referral
 * event would say the same thing once per referral). The person's reference lives here only inside
 * webhook bodies still waiting to be sent (a settled message keeps none): those are dropped and their
 * deliveries cancelled, so the rows still count deliveries but nothing leads back to the person.
 */
@Injectable()
export class WebhookPersonErasure {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent('fr.relais.referral.person.erased.v1')
  async onPersonErased(erasure: EventPayload<'fr.relais.referral.person.erased.v1'>): Promise<void> {
    await this.txHost.tx.query(`INSERT INTO webhook_erased_person (ref_digest, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      personDigest(erasure.personRef),
      erasure.at,
    ]);
    // The condition is the index's (notification_message_webhook_person).
    await this.txHost.tx.query(
      `UPDATE notification_message SET body_text = NULL, status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END
        WHERE channel = 'webhook' AND body_text IS NOT NULL AND ((body_text::jsonb) -> 'data' ->> 'personRef') = $1`,
      [erasure.personRef],
    );
  }
}

/**
 * How an erased person is remembered: a digest of their reference, enough to recognise a late event
 * about them, from which the reference cannot be read back.
 */
export function personDigest(personRef: string): Buffer {
  return createHash('sha256').update(`relais-erased-person:${personRef}`).digest();
}
