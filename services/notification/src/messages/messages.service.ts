import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { NotFoundError, ValidationError } from '@relais/platform';
import { internationalNumber } from './channels/sms-provider';
import { defaultChannels } from './message-recorder';
import type { MessageDeliveryView, PreferencesInput, PreferencesView } from './messages.dto';

interface MessageRow {
  id: string;
  recipient_kind: string;
  channel: string;
  template: string;
  event_type: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
}

interface PreferenceRow {
  channels: string[];
  digest: boolean;
  sms_number: string | null;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
}

/** The deliveries a party may follow, and each structure's preferences. */
@Injectable()
export class MessagesService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The messages about one referral, for its two structures only: anyone else gets the 404 of an unknown referral. */
  async deliveries(principal: Principal, referralId: string): Promise<MessageDeliveryView[]> {
    const parties = await this.txHost.tx.query<Array<{ sending_structure_id: string; receiving_structure_id: string }>>(
      `SELECT sending_structure_id, receiving_structure_id FROM notification_referral WHERE referral_id = $1`,
      [referralId],
    );
    const party = parties[0];
    if (!party || principal.structureId === null || ![party.sending_structure_id, party.receiving_structure_id].includes(principal.structureId)) {
      throw new NotFoundError('Orientation');
    }
    // The messages recorded about the referral, and the daily digest that listed it (a digest is about
    // several referrals, so it has no referral_id: the referral's digest entry names it by its key). A
    // party's own software's webhooks are listed to it, never to the other party (whether and how a
    // structure integrates is its own business).
    const rows = await this.txHost.tx.query<MessageRow[]>(
      `SELECT id, recipient_kind, channel, template, event_type, status, attempts, last_error, created_at, sent_at, delivered_at
         FROM notification_message m
        WHERE (m.referral_id = $1
               OR (m.dedupe_key = (SELECT e.digest_key FROM notification_digest_entry e WHERE e.referral_id = $1 AND e.structure_id = $3)
                   AND m.recipient_structure_id = $3))
          AND (m.channel <> 'webhook' OR m.recipient_structure_id = $2)
        ORDER BY m.created_at, m.id`,
      [referralId, principal.structureId, party.receiving_structure_id],
    );
    return rows.map((row) => ({
      id: row.id,
      recipient: row.recipient_kind,
      channel: row.channel,
      template: row.template,
      cause: row.event_type,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      createdAt: row.created_at.toISOString(),
      sentAt: row.sent_at?.toISOString() ?? null,
      deliveredAt: row.delivered_at?.toISOString() ?? null,
    }));
  }

  async preferences(principal: Principal, structureId: string): Promise<PreferencesView> {
    ownStructure(principal, structureId);
    const rows = await this.txHost.tx.query<PreferenceRow[]>(
      `SELECT channels, digest, sms_number, quiet_hours_start, quiet_hours_end FROM notification_preference WHERE structure_id = $1`,
      [structureId],
    );
    return view(structureId, rows[0] ?? null);
  }

  async savePreferences(principal: Principal, structureId: string, input: PreferencesInput): Promise<PreferencesView> {
    ownStructure(principal, structureId);
    const smsNumber = input.smsNumber ?? null;
    if (smsNumber !== null && internationalNumber(smsNumber) === null) {
      throw new ValidationError([{ field: 'smsNumber', message: 'un numéro français (06 12 34 56 78) ou international (+33 6…)' }]);
    }
    if (input.channels.includes('sms') && smsNumber === null) {
      throw new ValidationError([{ field: 'smsNumber', message: 'obligatoire avec le canal sms : le numéro de permanence de la structure' }]);
    }
    const rows = await this.txHost.tx.query<PreferenceRow[]>(
      `INSERT INTO notification_preference (structure_id, channels, sms_number, quiet_hours_start, quiet_hours_end, digest, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (structure_id) DO UPDATE SET channels = EXCLUDED.channels, sms_number = EXCLUDED.sms_number,
         quiet_hours_start = EXCLUDED.quiet_hours_start, quiet_hours_end = EXCLUDED.quiet_hours_end, digest = EXCLUDED.digest,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING channels, digest, sms_number, quiet_hours_start, quiet_hours_end`,
      [structureId, input.channels, smsNumber, input.quietHours?.start ?? null, input.quietHours?.end ?? null, input.digest ?? false, principal.subject],
    );
    return view(structureId, rows[0] ?? null);
  }
}

/** A structure's preferences are its own (and the instance admin's): another structure gets a 404, as for one that does not exist. */
function ownStructure(principal: Principal, structureId: string): void {
  if (principal.roles.includes('admin')) return;
  if (principal.structureId !== structureId || !(principal.roles.includes('agent') || principal.roles.includes('integration'))) {
    throw new NotFoundError('Structure');
  }
}

function view(structureId: string, row: PreferenceRow | null): PreferencesView {
  return {
    structureId,
    channels: row?.channels ?? [...defaultChannels],
    smsNumber: row?.sms_number ?? null,
    quietHours: row?.quiet_hours_start && row.quiet_hours_end ? { start: row.quiet_hours_start, end: row.quiet_hours_end } : null,
    digest: row?.digest ?? false,
    saved: row !== null,
  };
}
