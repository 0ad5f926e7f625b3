import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EventPublisher } from '@relais/messaging';
import { PeriodicJobs, TransactionHost, type PeriodicJob, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { databaseUnavailable } from '@relais/platform';
import { publishOutcome } from '../delivery-outcome';
import { BATCH, claimDue, LEASE_S, POLL_MS, retryDelayS } from '../delivery-schedule';
import { MESSAGE_CHANNELS, type ChannelOutcome, type MessageChannel, type MessageChannelKind } from './channels/message-channel';
import type { Route } from './message-recorder';
import { MESSAGE_SETTINGS, type MessageSettings } from './message-settings';
import { quietUntil } from './quiet-hours';

interface DueMessage {
  id: string;
  message_id: string;
  event_type: string;
  template: string;
  referral_id: string | null;
  recipient_structure_id: string | null;
  channel: MessageChannelKind;
  address: string | null;
  fallbacks: Route[];
  subject: string | null;
  body_text: string | null;
  body_html: string | null;
  sms_text: string | null;
  attempts: number;
  channel_attempts: number;
  receipt_token: string | null;
  /** A webhook's subscription secret, read with its URL (as `address`) at each attempt. */
  signing_secret: string | null;
}

/** What becomes of a message after one attempt. */
export type Settlement =
  | { kind: 'sent'; providerId: string | null }
  | { kind: 'delivered' }
  | { kind: 'bounced'; reason: string }
  | { kind: 'retry'; delayS: number; reason: string }
  | { kind: 'fallback'; next: Route; rest: Route[]; reason: string; bounced?: boolean }
  | { kind: 'failed'; reason: string };

/**
 * The policy, apart from I/O so that it is unit-tested: retries with backoff on one channel, then the next
 * channel of the recipient's preferences (after `fallbackAfterAttempts` there, or at once on a refusal),
 * then failed.
 */
export function settle(outcome: ChannelOutcome, message: Pick<DueMessage, 'channel_attempts' | 'fallbacks'>, settings: Pick<MessageSettings, 'retryDelaysS' | 'fallbackAfterAttempts'>): Settlement {
  if (outcome.kind === 'accepted') return { kind: 'sent', providerId: outcome.providerId };
  if (outcome.kind === 'delivered') return { kind: 'delivered' };
  const [next, ...rest] = message.fallbacks;
  // A bounce is never retried: the next channel, or the message ends bounced.
  if (outcome.kind === 'bounced') return next ? { kind: 'fallback', next, rest, reason: outcome.reason, bounced: true } : { kind: 'bounced', reason: outcome.reason };
  // The shared rule (delivery-schedule.ts), with a smaller budget when another channel can take over.
  const delayS = outcome.kind === 'retry' ? retryDelayS(message.channel_attempts, settings.retryDelaysS, next ? settings.fallbackAfterAttempts : undefined) : null;
  if (outcome.kind === 'retry' && delayS !== null) return { kind: 'retry', delayS, reason: outcome.reason };
  if (next) return { kind: 'fallback', next, rest, reason: outcome.reason };
  return { kind: 'failed', reason: outcome.reason };
}

/**
 * The one sending loop, for every channel (email, SMS, signed webhooks). Sends recorded messages outside
 * any transaction and settles each right after its attempt. Emails and SMS of a batch go one at a time
 * (their channels' `inFlight` is 1), so a crash (kill -9) between a server's acceptance and the settling
 * resends that one message when its lease runs out, with the same Message-ID, and nothing else (the others
 * were either settled or never tried); webhooks, whose receivers deduplicate on `webhook-id`, go several at
 * once beside them. Rows are leased
 * so replicas never send the same one at once. A settled message keeps neither its address nor its bodies.
 */
@Injectable()
export class MessageSender implements OnApplicationShutdown {
  readonly job: PeriodicJob<number>;
  private readonly channels: Map<MessageChannelKind, MessageChannel>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
    @Inject(MESSAGE_SETTINGS) private readonly settings: MessageSettings,
    @Inject(MESSAGE_CHANNELS) channels: MessageChannel[],
    jobs: PeriodicJobs,
  ) {
    this.channels = new Map(channels.map((channel) => [channel.kind, channel]));
    this.job = jobs.define({
      name: 'notification.message-delivery',
      intervalMs: POLL_MS,
      firstDelayMs: POLL_MS,
      lock: null,
      transactional: false,
      run: async (_now, stopping) => {
        const sent = await this.sendDue(stopping);
        // A full batch means more are due: the next round at once, not after the poll interval.
        if (sent === BATCH) this.job.wake(0);
        return sent;
      },
    });
  }

  /** Called after a consumer recorded messages: no need to wait for the next poll. */
  wakeSoon(): void {
    this.job.wake(20);
  }

  async sendDue(stopping: AbortSignal = new AbortController().signal): Promise<number> {
    // Taken before the claim, so that the time counted here is never less than the lease's own.
    const claimedAt = Date.now();
    // A webhook's URL and secret are its subscription's at the time of the attempt (an edited URL applies
    // to what is still to send); every other channel's address was recorded with the message.
    const due = await claimDue<DueMessage>(this.txHost, {
      table: 'notification_message',
      pendingStatus: 'queued',
      alsoSet: 'channel_attempts = d.channel_attempts + 1',
      returning: `d.id, d.message_id, d.event_type, d.template, d.referral_id, d.recipient_structure_id, d.channel,
                  COALESCE(d.address, (SELECT s.url FROM webhook_subscription s WHERE s.id = d.subscription_id)) AS address, d.fallbacks,
                  d.subject, d.body_text, d.body_html, d.sms_text, d.attempts, d.channel_attempts, d.receipt_token,
                  (SELECT s.secret FROM webhook_subscription s WHERE s.id = d.subscription_id) AS signing_secret`,
    });
    // Lanes: every message of a channel that allows one at a time (email, SMS) in one lane, so that a kill
    // -9 finds at most one of them in flight; each other channel (webhooks) a lane as wide as it allows.
    const lanes = new Map<MessageChannelKind | 'one-at-a-time', { width: number; messages: DueMessage[] }>();
    for (const message of due) {
      const width = this.channels.get(message.channel)?.inFlight ?? 1;
      const key = width === 1 ? 'one-at-a-time' : message.channel;
      const lane = lanes.get(key) ?? { width, messages: [] };
      lane.messages.push(message);
      lanes.set(key, lane);
    }
    await Promise.all(
      [...lanes.values()].map(({ width, messages }) =>
        inTurns(messages, width, async (message) => {
          // A message whose lease ran out (the batch was held up, e.g. by a database outage) may be another
          // replica's by now: it is left for whoever claims it next rather than sent twice at once.
          if (Date.now() - claimedAt > (LEASE_S - LEASE_MARGIN_S) * 1000 || stopping.aborted) return;
          await this.deliver(message, stopping);
        }),
      ),
    );
    return due.length;
  }

  private async deliver(message: DueMessage, stopping: AbortSignal): Promise<void> {
    const outcome = await this.attempt(message);
    const settlement = settle(outcome, message, this.settings);
    // Once the server or provider has the message, only this process knows it: if the database is away
    // (restarting, failing over), the settling waits for it rather than failing and leaving the message to
    // its lease, which would send it again. Only a shutdown (or a kill) during the outage gives up.
    await untilRecorded(() => this.record(message, settlement), stopping);
  }

  private async record(message: DueMessage, settlement: Settlement): Promise<void> {
    await this.txHost.withTransaction(async () => {
      switch (settlement.kind) {
        case 'sent': {
          const [, changed] = await this.txHost.tx.query<[unknown, number]>(
            `UPDATE notification_message SET status = 'sent', sent_at = now(), last_error = NULL, address = NULL, fallbacks = '[]',
                    subject = NULL, body_text = NULL, body_html = NULL, sms_text = NULL, provider_id = $2
              WHERE id = $1 AND status = 'queued'`,
            [message.id, settlement.providerId],
          );
          if (changed > 0) await this.publish(message, message.channel, 'sent', null);
          return;
        }
        case 'delivered': {
          const [, changed] = await this.txHost.tx.query<[unknown, number]>(
            `UPDATE notification_message SET status = 'delivered', sent_at = now(), delivered_at = now(), last_error = NULL, address = NULL, fallbacks = '[]',
                    subject = NULL, body_text = NULL, body_html = NULL, sms_text = NULL
              WHERE id = $1 AND status = 'queued'`,
            [message.id],
          );
          if (changed > 0) await this.publish(message, message.channel, 'delivered', null);
          return;
        }
        case 'retry':
          await this.txHost.tx.query(
            `UPDATE notification_message SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1 AND status = 'queued'`,
            [message.id, settlement.reason, settlement.delayS],
          );
          return;
        case 'fallback': {
          const preference = settlement.next.channel === 'sms' && message.recipient_structure_id ? await this.quietHours(message.recipient_structure_id) : null;
          const notBefore = quietUntil(new Date(), preference?.start ?? null, preference?.end ?? null);
          const [, changed] = await this.txHost.tx.query<[unknown, number]>(
            `UPDATE notification_message SET channel = $2, address = $3, fallbacks = $4, channel_attempts = 0, last_error = $5, next_attempt_at = $6
              WHERE id = $1 AND status = 'queued'`,
            [message.id, settlement.next.channel, settlement.next.address, JSON.stringify(settlement.rest), settlement.reason, notBefore],
          );
          if (changed > 0) await this.publish(message, message.channel, settlement.bounced ? 'bounced' : 'failed', `${settlement.reason} ; repli sur ${settlement.next.channel}`);
          return;
        }
        case 'bounced': {
          const [, changed] = await this.txHost.tx.query<[unknown, number]>(
            `UPDATE notification_message SET status = 'bounced', last_error = $2, address = NULL, fallbacks = '[]',
                    subject = NULL, body_text = NULL, body_html = NULL, sms_text = NULL
              WHERE id = $1 AND status = 'queued'`,
            [message.id, settlement.reason],
          );
          if (changed > 0) await this.publish(message, message.channel, 'bounced', settlement.reason);
          return;
        }
        case 'failed': {
          const [, changed] = await this.txHost.tx.query<[unknown, number]>(
            `UPDATE notification_message SET status = 'failed', last_error = $2, address = NULL, fallbacks = '[]',
                    subject = NULL, body_text = NULL, body_html = NULL, sms_text = NULL
              WHERE id = $1 AND status = 'queued'`,
            [message.id, settlement.reason],
          );
          if (changed > 0) await this.publish(message, message.channel, 'failed', settlement.reason);
          return;
        }
      }
    });
  }

  private async attempt(message: DueMessage): Promise<ChannelOutcome> {
    const channel = this.channels.get(message.channel);
    if (!channel) return { kind: 'refused', reason: `canal ${message.channel} non configuré` };
    if (!message.address) return { kind: 'refused', reason: 'adresse effacée' };
    try {
      return await channel.send({
        messageId: message.message_id,
        address: message.address,
        subject: message.subject,
        text: message.body_text,
        html: message.body_html,
        smsText: message.sms_text,
        tag: message.template,
        receiptUrl: message.receipt_token ? `${this.settings.receiptsUrl}/v1/receipts/sms/${message.receipt_token}` : null,
        signingSecret: message.signing_secret,
      });
    } catch {
      return { kind: 'retry', reason: `échec inattendu du canal ${message.channel}` };
    }
  }

  private async quietHours(structureId: string): Promise<{ start: string | null; end: string | null } | null> {
    const rows = await this.txHost.tx.query<Array<{ start: string | null; end: string | null }>>(
      `SELECT quiet_hours_start AS start, quiet_hours_end AS end FROM notification_preference WHERE structure_id = $1`,
      [structureId],
    );
    return rows[0] ?? null;
  }

  private async publish(message: DueMessage, channel: MessageChannelKind, status: 'sent' | 'delivered' | 'bounced' | 'failed', reason: string | null): Promise<void> {
    await publishOutcome(this.publisher, {
      deliveryId: message.id,
      channel,
      cause: message.event_type,
      referralId: message.referral_id,
      recipientStructureId: message.recipient_structure_id,
      status,
      attempt: message.attempts,
      reason,
      at: new Date().toISOString(),
    });
  }


  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.channels.values()].map((channel) => channel.close()));
  }
}

/** Seconds of a lease left unused: a send that starts must be settled before the lease runs out. */
const LEASE_MARGIN_S = 20;

/** Retries `record` while the database is unavailable (every 250 ms, then up to 2 s apart), until it is done or `stopping`. */
async function untilRecorded(record: () => Promise<void>, stopping: AbortSignal): Promise<void> {
  for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
    try {
      await record();
      return;
    } catch (error) {
      if (!databaseUnavailable(error) || stopping.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Runs `work` on every item, at most `width` at a time, each lane taking the next item when it is done. */
async function inTurns<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, lane));
}
