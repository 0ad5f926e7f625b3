import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { NotFoundError } from '@relais/platform';
import { publishOutcome } from '../delivery-outcome';

/** What a provider's receipt says of one message, in Relais's words; null: nothing to record (sent, soft bounce). */
export function receiptStatus(event: string): 'delivered' | 'bounced' | null {
  const name = event.replace(/[_\s-]/g, '').toLowerCase();
  if (name === 'delivered') return 'delivered';
  // Brevo's permanent failures: the number does not exist or cannot take SMS, or the operator refused it.
  if (['hardbounce', 'rejected', 'blacklisted', 'blocked', 'undelivered'].includes(name)) return 'bounced';
  return null;
}

/**
 * Receipts from the SMS provider (Brevo posts each event of an SMS to the `webUrl` given with it): the
 * URL carries the message's own unguessable token, so the caller proves nothing but that it was given
 * that URL, and may only move that message from `sent` to `delivered` or `bounced`. Unknown token: 404.
 */
@Injectable()
export class DeliveryReceipts {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
  ) {}

  async record(token: string, event: string): Promise<void> {
    await this.txHost.withTransaction(() => this.recordNow(token, event));
  }

  private async recordNow(token: string, event: string): Promise<void> {
    const rows = await this.txHost.tx.query<Array<{ id: string; status: string }>>(
      `SELECT id, status FROM notification_message WHERE receipt_token = $1 AND channel = 'sms' FOR UPDATE`,
      [token],
    );
    const message = rows[0];
    if (!message) throw new NotFoundError('Message');
    const status = receiptStatus(event);
    if (!status || message.status !== 'sent') return;
    // An UPDATE … RETURNING answers [rows, count] through TypeORM's PostgreSQL driver.
    const [updated] = await this.txHost.tx.query<
      [Array<{ id: string; event_type: string; referral_id: string | null; recipient_structure_id: string | null; attempts: number }>, number]
    >(
      `UPDATE notification_message SET status = $2, delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE NULL END,
              last_error = CASE WHEN $2 = 'bounced' THEN 'numéro refusé par l’opérateur (accusé du fournisseur)' ELSE last_error END
        WHERE id = $1 AND status = 'sent'
        RETURNING id, event_type, referral_id, recipient_structure_id, attempts`,
      [message.id, status],
    );
    const settled = updated[0];
    if (!settled) return;
    await publishOutcome(this.publisher, {
      deliveryId: settled.id,
      channel: 'sms',
      cause: settled.event_type,
      referralId: settled.referral_id,
      recipientStructureId: settled.recipient_structure_id,
      status,
      attempt: Math.max(1, settled.attempts),
      reason: status === 'bounced' ? 'accusé du fournisseur : non remis' : null,
      at: new Date().toISOString(),
    });
  }
}
