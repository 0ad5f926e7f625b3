import { Inject, Injectable, Optional } from '@nestjs/common';
import { signActionLink } from '@relais/auth';
import type { EventPayload, EventType } from '@relais/contracts';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { personDigest } from '../webhooks/webhook-person-erasure';
import { DirectoryCopy } from './directory-copy';
import { MessageRecorder } from './message-recorder';
import { MessageSender } from './message-sender';
import { MESSAGE_SETTINGS, type MessageSettings } from './message-settings';
import { receiverCancelled, receiverReminder, receiverRequested, senderMoved } from './templates/referral-messages';

type Transitioned = EventPayload<'fr.relais.referral.referral.accepted.v1'>;

/** The moves a sender is told about when it did not make them itself (issue 12, "who gets what"). */
export const senderNoticeTypes = [
  'fr.relais.referral.referral.received.v1',
  'fr.relais.referral.referral.accepted.v1',
  'fr.relais.referral.referral.rejected.v1',
  'fr.relais.referral.referral.redirected.v1',
  'fr.relais.referral.referral.completed.v1',
  'fr.relais.referral.referral.failed.v1',
  'fr.relais.referral.referral.expired.v1',
] as const satisfies readonly [EventType, ...EventType[]];

/** Every move of a referral (the transition events), whatever its author. */
export const referralMoveTypes = [
  ...senderNoticeTypes,
  'fr.relais.referral.referral.started.v1',
  'fr.relais.referral.referral.put-on-hold.v1',
  'fr.relais.referral.referral.resumed.v1',
  'fr.relais.referral.referral.cancelled.v1',
] as const satisfies readonly [EventType, ...EventType[]];

/**
 * Who gets what, from the referral events: the receiving structure on a new referral (with an action
 * link), at each reminder and if the sender cancels; the sender on every move it did not make. Messages
 * to structures go to the directory's referral mailboxes; they carry no direct identifier of the person
 * (the action link opens the referral, where contact details follow the consent).
 */
@Injectable()
export class ReferralNotices {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly directory: DirectoryCopy,
    private readonly recorder: MessageRecorder,
    @Inject(MESSAGE_SETTINGS) private readonly settings: MessageSettings,
    // Absent in an `api` process, which consumes no event and so never calls these handlers.
    @Optional() private readonly sender?: MessageSender,
  ) {}

  @HandlesEvent('fr.relais.referral.referral.requested.v1')
  async onRequested(referral: EventPayload<'fr.relais.referral.referral.requested.v1'>, context: EventContext): Promise<void> {
    await this.rememberParties(referral);
    if (!this.settings.signingKey) return;
    // A structure that chose the daily digest gets today's referrals in one mail; an urgent one still goes at once.
    if (referral.urgency !== 'urgent' && (await this.recorder.preference(referral.receivingStructureId))?.digest) {
      await this.txHost.tx.query(
        `INSERT INTO notification_digest_entry (referral_id, structure_id, sender_name, service_name, needs, acknowledge_due_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (referral_id) DO NOTHING`,
        [
          referral.referralId,
          referral.receivingStructureId,
          await this.directory.structureName(referral.sendingStructureId),
          await this.directory.serviceName(referral.receivingServiceId),
          referral.needs,
          referral.acknowledgeDueAt,
        ],
      );
      return;
    }
    const link = this.actionLink(referral.referralId, referral.receivingStructureId);
    if (!link) return;
    const routes = await this.recorder.structureRoutes(
      referral.receivingStructureId,
      await this.directory.referralEmail(referral.receivingStructureId, referral.receivingServiceId),
    );
    const recorded = await this.recorder.record({
      context,
      template: 'receiver-requested',
      referralId: referral.referralId,
      recipientKind: 'receiver',
      recipientStructureId: referral.receivingStructureId,
      routes,
      rendered: receiverRequested({
        senderName: await this.directory.structureName(referral.sendingStructureId),
        serviceName: await this.directory.serviceName(referral.receivingServiceId),
        needs: referral.needs,
        urgency: referral.urgency,
        acknowledgeDueAt: referral.acknowledgeDueAt,
        firstContactDueAt: referral.firstContactDueAt,
        actionUrl: link.url,
        actionExpiresAt: link.expiresAt,
      }),
    });
    if (recorded) this.sender?.wakeSoon();
  }

  @HandlesEvent('fr.relais.referral.referral.reminder-due.v1')
  async onReminder(reminder: EventPayload<'fr.relais.referral.referral.reminder-due.v1'>, context: EventContext): Promise<void> {
    const link = this.actionLink(reminder.referralId, reminder.receivingStructureId);
    if (!link) return;
    const recorded = await this.recorder.record({
      context,
      template: 'receiver-reminder',
      referralId: reminder.referralId,
      recipientKind: 'receiver',
      recipientStructureId: reminder.receivingStructureId,
      routes: await this.recorder.structureRoutes(
        reminder.receivingStructureId,
        await this.directory.referralEmail(reminder.receivingStructureId, reminder.receivingServiceId),
      ),
      rendered: receiverReminder({
        serviceName: await this.directory.serviceName(reminder.receivingServiceId),
        deadline: reminder.deadline,
        dueAt: reminder.dueAt,
        actionUrl: link.url,
        actionExpiresAt: link.expiresAt,
      }),
    });
    if (recorded) this.sender?.wakeSoon();
  }

  @HandlesEvent('fr.relais.referral.referral.cancelled.v1')
  async onCancelled(move: Transitioned, context: EventContext): Promise<void> {
    if (move.by.structureId === move.receivingStructureId) return;
    const recorded = await this.recorder.record({
      context,
      template: 'receiver-cancelled',
      referralId: move.referralId,
      recipientKind: 'receiver',
      recipientStructureId: move.receivingStructureId,
      routes: await this.recorder.structureRoutes(move.receivingStructureId, await this.directory.referralEmail(move.receivingStructureId, move.receivingServiceId)),
      rendered: receiverCancelled({
        senderName: await this.directory.structureName(move.sendingStructureId),
        serviceName: await this.directory.serviceName(move.receivingServiceId),
      }),
    });
    if (recorded) this.sender?.wakeSoon();
  }

  /** Where each referral stands: the last reminder goes only while it waits, the weekly summary counts the overdue. */
  @HandlesEvent(...referralMoveTypes)
  async onAnyMove(move: Transitioned): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE notification_referral SET status = $2 WHERE referral_id = $1`,
      [move.referralId, move.to],
    );
    // A referral picked up or ended before the digest went out leaves it.
    if (move.to !== 'requested') await this.txHost.tx.query(`DELETE FROM notification_digest_entry WHERE referral_id = $1 AND digest_key IS NULL`, [move.referralId]);
  }

  @HandlesEvent(...senderNoticeTypes)
  async onMove(move: Transitioned, context: EventContext): Promise<void> {
    // The sender made this move itself (or acts on both sides): it knows.
    if (move.by.structureId === move.sendingStructureId) return;
    const recorded = await this.recorder.record({
      context,
      template: 'sender-moved',
      referralId: move.referralId,
      recipientKind: 'sender',
      recipientStructureId: move.sendingStructureId,
      routes: await this.recorder.structureRoutes(move.sendingStructureId, await this.directory.referralEmail(move.sendingStructureId, null)),
      rendered: senderMoved({
        to: move.to,
        receiverName: await this.directory.structureName(move.receivingStructureId),
        serviceName: await this.directory.serviceName(move.receivingServiceId),
        reasonCode: move.reasonCode,
        outcome: move.outcome ? { autonomyGained: move.outcome.autonomyGained, nextStep: move.outcome.nextStep } : null,
        workspaceUrl: `${this.settings.publicUrl}/orientations/${move.referralId}`,
      }),
    });
    if (recorded) this.sender?.wakeSoon();
  }

  /** Who is party to a referral: the deliveries API answers them only, and erasure finds the person's messages. */
  private async rememberParties(referral: EventPayload<'fr.relais.referral.referral.requested.v1'>): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO notification_referral (referral_id, person_digest, sending_structure_id, receiving_structure_id, receiving_service_id,
                                          network_id, requested_at, acknowledge_due_at, first_contact_due_at)
       SELECT $1, CASE WHEN EXISTS (SELECT 1 FROM webhook_erased_person WHERE ref_digest = $2) THEN NULL ELSE $2 END, $3, $4, $5, $6, $7, $8, $9
       ON CONFLICT (referral_id) DO NOTHING`,
      [
        referral.referralId,
        personDigest(referral.personRef),
        referral.sendingStructureId,
        referral.receivingStructureId,
        referral.receivingServiceId,
        referral.networkId,
        referral.at,
        referral.acknowledgeDueAt,
        referral.firstContactDueAt,
      ],
    );
  }

  /** A fresh signed link for the receiving structure, or null when this instance cannot sign (no email channel). */
  actionLink(referralId: string, structureId: string): { url: string; expiresAt: string } | null {
    if (!this.settings.signingKey) return null;
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.settings.actionLinkDays * 86_400;
    const token = signActionLink(this.settings.signingKey, { rid: referralId, sid: structureId, iat: now, exp });
    return { url: `${this.settings.publicUrl}/orientations/lien/${token}`, expiresAt: new Date(exp * 1000).toISOString() };
  }
}
