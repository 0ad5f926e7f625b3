import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import type { EventContext } from '@relais/messaging';
import type { MessageChannelKind } from './channels/message-channel';
import { MESSAGE_SETTINGS, type MessageSettings } from './message-settings';
import { quietUntil } from './quiet-hours';
import type { TemplateName } from './templates/referral-messages';
import type { RenderedMessage } from './templates/layout';

/** One way to reach a recipient: a channel and its address there. */
export interface Route {
  channel: MessageChannelKind;
  address: string;
}

export interface MessageToRecord {
  /** The event that caused it (its id and type), or for a scheduled message its key and the job's name. */
  context: Pick<EventContext, 'id'> & { type: string };
  template: TemplateName;
  referralId: string | null;
  recipientKind: 'receiver' | 'sender' | 'person' | 'coordinator';
  /** Replaces the event-and-recipient key where one cause has several recipients of one kind (coordinators). */
  dedupeKey?: string;
  /** Not before this time (a digest waiting for the end of quiet hours); now when absent. */
  notBefore?: Date;
  recipientStructureId: string | null;
  /** In the recipient's order of preference: the first is tried, the others are fallbacks. */
  routes: Route[];
  rendered: RenderedMessage;
}

interface Preference {
  channels: MessageChannelKind[];
  digest: boolean;
  sms_number: string | null;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
}

export const defaultChannels: MessageChannelKind[] = ['email'];

/** A person has no preferences page: an SMS to them never rings at night (Paris time). */
export const personQuietHours = { start: '20:00', end: '08:30' };

/**
 * Records messages in the consumer's transaction: one row per event and recipient (the unique key makes an
 * event delivered twice record one message), its Message-ID fixed now so that a resend after a crash
 * carries the same one. Sending is the sender's job, outside any transaction.
 */
@Injectable()
export class MessageRecorder {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(MESSAGE_SETTINGS) private readonly settings: MessageSettings,
  ) {}

  /** The routes to a structure: its preferred channels, in order, that have an address and run on this instance. */
  async structureRoutes(structureId: string, email: string | null): Promise<Route[]> {
    const preference = await this.preference(structureId);
    const routes: Route[] = [];
    for (const channel of preference?.channels ?? defaultChannels) {
      if (!this.settings.enabledChannels.includes(channel)) continue;
      const address = channel === 'email' ? email : preference?.sms_number ?? null;
      if (address) routes.push({ channel, address });
    }
    return routes;
  }

  /** Returns whether a message was recorded (false: no route, or already recorded for this event). */
  async record(message: MessageToRecord): Promise<boolean> {
    const [first, ...fallbacks] = message.routes;
    if (!first) return false;
    const dedupeKey = message.dedupeKey ?? `${message.context.id}:${message.recipientKind}:${message.recipientStructureId ?? '-'}`;
    const preference = message.recipientStructureId ? await this.preference(message.recipientStructureId) : null;
    const quiet = message.recipientKind === 'person' ? personQuietHours : { start: preference?.quiet_hours_start ?? null, end: preference?.quiet_hours_end ?? null };
    const earliest = message.notBefore ?? new Date();
    const notBefore = first.channel === 'sms' ? quietUntil(earliest, quiet.start, quiet.end) : earliest;
    const rows = await this.txHost.tx.query<Array<{ id: string }>>(
      `INSERT INTO notification_message (id, dedupe_key, message_id, event_id, event_type, template, referral_id, recipient_kind, recipient_structure_id,
                                         channel, address, fallbacks, subject, body_text, body_html, sms_text, next_attempt_at, receipt_token)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [
        randomUUID(),
        dedupeKey,
        this.messageId(dedupeKey),
        message.context.id,
        message.context.type,
        message.template,
        message.referralId,
        message.recipientKind,
        message.recipientStructureId,
        first.channel,
        first.address,
        JSON.stringify(fallbacks),
        message.rendered.subject,
        message.rendered.text,
        message.rendered.html,
        message.rendered.sms,
        notBefore,
        // Unguessable: whoever holds it may only say this message was delivered or bounced.
        randomBytes(24).toString('base64url'),
      ],
    );
    return rows.length > 0;
  }

  async preference(structureId: string): Promise<Preference | null> {
    const rows = await this.txHost.tx.query<Preference[]>(
      `SELECT channels, digest, sms_number, quiet_hours_start, quiet_hours_end FROM notification_preference WHERE structure_id = $1`,
      [structureId],
    );
    return rows[0] ?? null;
  }

  /** Derived from the dedupe key: the same message has the same Message-ID on every attempt and every replica. */
  private messageId(dedupeKey: string): string {
    return `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}@${this.settings.messageIdDomain}>`;
  }
}
