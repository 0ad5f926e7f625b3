import { Inject, Injectable } from '@nestjs/common';
import { advisoryLocks, PeriodicJobs, TransactionHost, type PeriodicJob, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DirectoryCopy } from './directory-copy';
import { MessageRecorder } from './message-recorder';
import { MessageSender } from './message-sender';
import { MESSAGE_SETTINGS, type MessageSettings } from './message-settings';
import { minutesOf, parisClock } from './paris-time';
import { quietUntil } from './quiet-hours';
import { ReferralNotices } from './referral-notices';
import { receiverDigest, type DigestEntry } from './templates/scheduled-messages';

interface Pending {
  referral_id: string;
  structure_id: string;
  sender_name: string;
  service_name: string;
  needs: string[];
  acknowledge_due_at: Date;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
}

/**
 * The daily digest (issue 12): a structure that chose it gets one mail a day listing the referrals it
 * received since the last one (each with its own action link) instead of one mail each; urgent ones still
 * go at once (referral-notices.ts). It leaves at `NOTIFICATION_DIGEST_TIME` (Paris), or when the structure's
 * quiet hours end if that time falls inside them. One digest per structure and day (keyed so), and a
 * referral picked up or ended before then leaves the list.
 */
@Injectable()
export class DailyDigest {
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
      name: 'notification.daily-digest',
      intervalMs: 60_000,
      firstDelayMs: 30_000,
      lock: advisoryLocks.notificationDailyDigest,
      transactional: true,
      run: (now) => this.send(now),
    });
  }

  /** Records today's digests whose time has come; returns how many. */
  async send(now: Date): Promise<number> {
    const clock = parisClock(now);
    if (clock.minutes < minutesOf(this.settings.digestTime)) return 0;
    const pending = await this.txHost.tx.query<Pending[]>(
      `SELECT e.referral_id, e.structure_id, e.sender_name, e.service_name, e.needs, e.acknowledge_due_at, p.quiet_hours_start, p.quiet_hours_end
         FROM notification_digest_entry e JOIN notification_preference p USING (structure_id)
        WHERE e.digest_key IS NULL AND e.created_at <= $1
        ORDER BY e.structure_id, e.created_at, e.referral_id
        FOR UPDATE OF e`,
      [now],
    );
    const byStructure = new Map<string, Pending[]>();
    for (const entry of pending) byStructure.set(entry.structure_id, [...(byStructure.get(entry.structure_id) ?? []), entry]);
    let recorded = 0;
    for (const [structureId, entries] of byStructure) {
      const first = entries[0];
      if (!first) continue;
      // In the structure's quiet hours: the digest waits for their end (the next round after it).
      if (quietUntil(now, first.quiet_hours_start, first.quiet_hours_end).getTime() !== now.getTime()) continue;
      const key = `digest:${structureId}:${clock.day}`;
      // Today's went already: these came after it and wait for tomorrow's.
      const [sent] = await this.txHost.tx.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM notification_message WHERE dedupe_key = $1`, [key]);
      if ((sent?.n ?? 0) > 0) continue;
      const lines: DigestEntry[] = [];
      for (const entry of entries) {
        const link = this.notices.actionLink(entry.referral_id, structureId);
        if (!link) continue;
        lines.push({ senderName: entry.sender_name, serviceName: entry.service_name, needs: entry.needs, acknowledgeDueAt: entry.acknowledge_due_at.toISOString(), actionUrl: link.url });
      }
      if (lines.length === 0) continue;
      const done = await this.recorder.record({
        context: { id: key, type: 'notification.daily-digest' },
        dedupeKey: key,
        template: 'receiver-digest',
        referralId: null,
        recipientKind: 'receiver',
        recipientStructureId: structureId,
        routes: await this.recorder.structureRoutes(structureId, await this.directory.referralEmail(structureId, null)),
        rendered: receiverDigest({ day: now.toISOString(), entries: lines, workspaceUrl: `${this.settings.publicUrl}/orientations/recues` }),
      });
      await this.txHost.tx.query(`UPDATE notification_digest_entry SET digest_key = $2 WHERE referral_id = ANY($1::uuid[])`, [entries.map((e) => e.referral_id), key]);
      if (done) recorded++;
    }
    if (recorded > 0) this.sender.wakeSoon();
    return recorded;
  }
}
