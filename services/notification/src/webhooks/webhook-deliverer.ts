import { Inject, Injectable } from '@nestjs/common';
import { EventPublisher } from '@relais/messaging';
import { PeriodicJobs, TransactionHost, type PeriodicJob, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { publishOutcome } from '../delivery-outcome';
import { claimDue, POLL_MS, retryDelayS } from '../delivery-schedule';
import { addressPolicy } from './webhook-address-policy';
import { sendWebhook, systemResolve, type DeliveryFailure, type SendOptions } from './webhook-http';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';
import { signWebhook } from './webhook-signature';

/** Waits before each new attempt; after the last, the delivery is failed for good. */
const RETRY_DELAYS_S = [10, 60, 300, 1800, 7200];
const TIMEOUT_MS = 10_000;

interface DueDelivery {
  id: string;
  event_id: string;
  event_type: string;
  referral_id: string | null;
  body: unknown;
  attempts: number;
  url: string;
  secret: string;
  structure_id: string;
}

/**
 * Sends recorded deliveries over HTTP, outside any transaction: rows are leased (their next attempt
 * pushed a minute away) so replicas never send the same one at once, then settled with the outcome
 * event in one transaction. A periodic job without an advisory lock: every replica sends, the leases
 * keep them apart.
 */
@Injectable()
export class WebhookDeliverer {
  readonly job: PeriodicJob<number>;
  private readonly sendOptions: SendOptions;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
    @Inject(WEBHOOK_SETTINGS) settings: WebhookSettings,
    jobs: PeriodicJobs,
  ) {
    this.sendOptions = { resolve: systemResolve, addressAllowed: addressPolicy(settings.environment), timeoutMs: TIMEOUT_MS };
    this.job = jobs.define({
      name: 'notification.webhook-delivery',
      intervalMs: POLL_MS,
      firstDelayMs: POLL_MS,
      lock: null,
      transactional: false,
      run: () => this.sendDue(),
    });
  }

  /** Called after a consumer recorded deliveries: no need to wait for the next poll. */
  wakeSoon(): void {
    this.job.wake(50);
  }

  /** Sends one batch of the deliveries due; returns how many. */
  async sendDue(): Promise<number> {
    const due = await claimDue<DueDelivery>(this.txHost, {
      table: 'webhook_delivery',
      pendingStatus: 'pending',
      join: { from: 'webhook_subscription s', on: 's.id = d.subscription_id' },
      returning: 'd.id, d.event_id, d.event_type, d.referral_id, d.body, d.attempts, s.url, s.secret, s.structure_id',
    });
    await Promise.all(due.map((delivery) => this.deliver(delivery)));
    return due.length;
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const error = await this.post(delivery);
    // The shared retry rule (delivery-schedule.ts): null once every delay was waited.
    const delay = error === null ? null : retryDelayS(delivery.attempts, RETRY_DELAYS_S);
    await this.txHost.withTransaction(async () => {
      // Only a delivery still pending is settled: one cancelled meanwhile (its person erased) stays so.
      // A settled delivery keeps no body: it carried the person's reference and will never be sent again.
      let settled: number;
      if (error === null) {
        [, settled] = await this.txHost.tx.query<[unknown, number]>(
          `UPDATE webhook_delivery SET status = 'delivered', delivered_at = now(), last_error = NULL, body = NULL WHERE id = $1 AND status = 'pending'`,
          [delivery.id],
        );
      } else if (delay === null) {
        [, settled] = await this.txHost.tx.query<[unknown, number]>(
          `UPDATE webhook_delivery SET status = 'failed', last_error = $2, body = NULL WHERE id = $1 AND status = 'pending'`,
          [delivery.id, error],
        );
      } else {
        await this.txHost.tx.query(
          `UPDATE webhook_delivery SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1 AND status = 'pending'`,
          [delivery.id, error, delay],
        );
        return;
      }
      if (settled === 0) return;
      await publishOutcome(this.publisher, {
        deliveryId: delivery.id,
        channel: 'webhook',
        cause: delivery.event_type,
        referralId: delivery.referral_id,
        recipientStructureId: delivery.structure_id,
        status: error === null ? 'delivered' : 'failed',
        attempt: delivery.attempts,
        reason: error,
        at: new Date().toISOString(),
      });
    });
  }

  /** POSTs the signed CloudEvent; null when the receiver answered 2xx, else why not (in generic words). */
  private post(delivery: DueDelivery): Promise<DeliveryFailure | null> {
    const body = JSON.stringify(delivery.body);
    const timestamp = Math.floor(Date.now() / 1000);
    return sendWebhook(
      {
        url: delivery.url,
        headers: {
          'content-type': 'application/json',
          'webhook-id': delivery.event_id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(delivery.secret, delivery.event_id, timestamp, body),
        },
        body,
      },
      this.sendOptions,
      // A URL or header the HTTP client rejects outright is the receiver's problem to fix, like any other.
    ).catch((): DeliveryFailure => 'échec de connexion');
  }
}
