import { Inject, Injectable } from '@nestjs/common';
import { advisoryLocks, PeriodicJobs, TransactionHost, type PeriodicJob, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DirectoryCopy } from './directory-copy';
import { MessageRecorder } from './message-recorder';
import { MessageSender } from './message-sender';
import { MESSAGE_SETTINGS, type MessageSettings } from './message-settings';
import { ReferralNotices } from './referral-notices';
import { receiverLastReminder } from './templates/scheduled-messages';

/** A referral expires this many days after it was sent when its network is unknown (the directory's default). */
const DEFAULT_EXPIRE_AFTER_DAYS = 30;

interface Waiting {
  referral_id: string;
  sending_structure_id: string;
  receiving_structure_id: string;
  receiving_service_id: string;
  expires_at: Date;
}

/**
 * The last reminder before expiry (issue 12): the referral service's sweeper reminds of the acknowledgement
 * and first-contact deadlines; nothing tells the receiver that a referral it never acknowledged is about to
 * expire. The expiry is the network's `expireAfterDays` after sending (network snapshots), as the sweeper
 * counts it; `NOTIFICATION_LAST_REMINDER_HOURS` before it, one message, once (keyed by the referral).
 */
@Injectable()
export class LastReminders {
  readonly job: PeriodicJob<number>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly directory: DirectoryCopy,
    private readonly recorder: MessageRecorder,
    private readonly notices: ReferralNotices,
    private readonly sender: MessageSender,
    @Inject(MESSAGE_SETTINGS) private readonly settings: MessageSettings,
    jobs: PeriodicJobs,
  ) {
    this.job = jobs.define({
      name: 'notification.last-reminders',
      intervalMs: 60_000,
      firstDelayMs: 30_000,
      lock: advisoryLocks.notificationLastReminders,
      transactional: true,
      run: (now) => this.remind(now),
    });
  }

  async remind(now: Date): Promise<number> {
    const due = await this.txHost.tx.query<Waiting[]>(
      `SELECT r.referral_id, r.sending_structure_id, r.receiving_structure_id, r.receiving_service_id,
              r.requested_at + make_interval(days => COALESCE(n.expire_after_days, $3)) AS expires_at
         FROM notification_referral r LEFT JOIN notification_network n ON n.network_id = r.network_id AND NOT n.deleted
        WHERE r.status = 'requested' AND r.last_reminder_at IS NULL AND r.requested_at IS NOT NULL
          AND r.requested_at + make_interval(days => COALESCE(n.expire_after_days, $3)) - make_interval(hours => $2) <= $1
          AND r.requested_at + make_interval(days => COALESCE(n.expire_after_days, $3)) > $1
        ORDER BY r.requested_at LIMIT 200`,
      [now, this.settings.lastReminderHours, DEFAULT_EXPIRE_AFTER_DAYS],
    );
    let recorded = 0;
    for (const referral of due) {
      await this.txHost.tx.query(`UPDATE notification_referral SET last_reminder_at = $2 WHERE referral_id = $1`, [referral.referral_id, now]);
      const link = this.notices.actionLink(referral.referral_id, referral.receiving_structure_id);
      if (!link) continue;
      const done = await this.recorder.record({
        context: { id: `last-reminder:${referral.referral_id}`, type: 'notification.last-reminders' },
        dedupeKey: `last-reminder:${referral.referral_id}`,
        template: 'receiver-last-reminder',
        referralId: referral.referral_id,
        recipientKind: 'receiver',
        recipientStructureId: referral.receiving_structure_id,
        routes: await this.recorder.structureRoutes(
          referral.receiving_structure_id,
          await this.directory.referralEmail(referral.receiving_structure_id, referral.receiving_service_id),
        ),
        rendered: receiverLastReminder({
          serviceName: await this.directory.serviceName(referral.receiving_service_id),
          senderName: await this.directory.structureName(referral.sending_structure_id),
          expiresAt: referral.expires_at.toISOString(),
          actionUrl: link.url,
        }),
      });
      if (done) recorded++;
    }
    if (recorded > 0) this.sender.wakeSoon();
    return recorded;
  }
}
