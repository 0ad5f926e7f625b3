import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { personDigest } from '../webhooks/webhook-person-erasure';

/**
 * A person's erasure reaches the messages about their referrals: addresses and rendered bodies are
 * dropped, those not yet sent are cancelled, and the referrals forget the person's digest. The rows
 * stay (channel, status, dates), so deliveries are still counted and nothing leads back to the person.
 */
@Injectable()
export class MessagePersonErasure {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent('fr.relais.referral.person.erased.v1')
  async onPersonErased(erasure: EventPayload<'fr.relais.referral.person.erased.v1'>): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE notification_message
          SET address = NULL, fallbacks = '[]', subject = NULL, body_text = NULL, body_html = NULL, sms_text = NULL,
              status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END
        WHERE referral_id IN (SELECT referral_id FROM notification_referral WHERE person_digest = $1)`,
      [personDigest(erasure.personRef)],
    );
    await this.txHost.tx.query(`UPDATE notification_referral SET person_digest = NULL WHERE person_digest = $1`, [personDigest(erasure.personRef)]);
  }
}
