import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { advisoryLocks, PeriodicJobs, TransactionHost, type PeriodicJob, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { MessageRecorder } from './message-recorder';
import { MessageSender } from './message-sender';
import { MESSAGE_SETTINGS, type MessageSettings } from './message-settings';
import { minutesOf, parisClock } from './paris-time';
import { coordinatorWeekly, type WeeklySummaryContext } from './templates/scheduled-messages';

interface OverdueRow {
  structure_name: string;
  awaiting_acknowledgement: number;
  awaiting_first_contact: number;
}

interface CapacityRow {
  structure_name: string;
  service_name: string;
  open_slots_per_week: number | null;
  received_this_week: number;
}

/** Where a network's coordinators are reached: the directory's public network record. */
export interface CoordinatorDirectory {
  coordinatorEmails(networkId: string): Promise<string[]>;
}

/** The directory's `GET /v1/networks/{id}` (public: coordinators' functional addresses are published there). */
export class HttpCoordinatorDirectory implements CoordinatorDirectory {
  constructor(private readonly directoryUrl: string) {}

  async coordinatorEmails(networkId: string): Promise<string[]> {
    const response = await fetch(`${this.directoryUrl}/v1/networks/${encodeURIComponent(networkId)}`, { signal: AbortSignal.timeout(10_000) });
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`l’annuaire répond ${response.status} pour le réseau`);
    const body = (await response.json()) as { coordinators?: Array<{ email?: unknown }> };
    return [...new Set((body.coordinators ?? []).map((c) => c.email).filter((email): email is string => typeof email === 'string' && email.includes('@')))];
  }
}

/**
 * The coordinators' weekly summary (issue 12), each Monday from `NOTIFICATION_WEEKLY_SUMMARY_TIME` (Paris),
 * per network: referrals past their deadline (no acknowledgement, or no first contact) by receiving
 * structure, and the services at capacity (no place this week in the directory, or as many referrals
 * received in seven days as their weekly places) — all from the events notification consumes. The
 * addresses are the network's coordinators in the directory (asked when the summary is made, never
 * copied). One message per network, coordinator and week, keyed so.
 */
@Injectable()
export class WeeklySummary {
  readonly job: PeriodicJob<number>;
  private readonly logger = new Logger(WeeklySummary.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly recorder: MessageRecorder,
    private readonly sender: MessageSender,
    @Inject(MESSAGE_SETTINGS) private readonly settings: MessageSettings,
    jobs: PeriodicJobs,
  ) {
    this.coordinators = settings.directoryUrl ? new HttpCoordinatorDirectory(settings.directoryUrl) : null;
    this.job = jobs.define({
      name: 'notification.weekly-summary',
      intervalMs: 10 * 60_000,
      firstDelayMs: 60_000,
      lock: advisoryLocks.notificationWeeklySummary,
      transactional: true,
      run: (now) => this.send(now),
    });
  }

  private readonly coordinators: CoordinatorDirectory | null;

  async send(now: Date): Promise<number> {
    const clock = parisClock(now);
    if (!this.coordinators || !this.settings.enabledChannels.includes('email')) return 0;
    if (clock.weekday !== 1 || clock.minutes < minutesOf(this.settings.weeklySummaryTime)) return 0;
    const networks = await this.txHost.tx.query<Array<{ network_id: string; name: string }>>(
      `SELECT network_id, name FROM notification_network WHERE NOT deleted ORDER BY name`,
    );
    let recorded = 0;
    for (const network of networks) {
      const summary = await this.summary(network.network_id, network.name, now, clock.day);
      let emails: string[];
      try {
        emails = await this.coordinators.coordinatorEmails(network.network_id);
      } catch {
        // This network waits for the next round; the others go.
        this.logger.warn('adresses des coordinations indisponibles (annuaire) : récapitulatif hebdomadaire reporté');
        continue;
      }
      for (const email of emails) {
        const key = `weekly:${network.network_id}:${clock.day}:${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;
        const done = await this.recorder.record({
          context: { id: key, type: 'notification.weekly-summary' },
          dedupeKey: key,
          template: 'coordinator-weekly',
          referralId: null,
          recipientKind: 'coordinator',
          recipientStructureId: null,
          routes: [{ channel: 'email', address: email }],
          rendered: coordinatorWeekly(summary),
        });
        if (done) recorded++;
      }
    }
    if (recorded > 0) this.sender.wakeSoon();
    return recorded;
  }

  /** What one network's coordinators are told, as of `now`. */
  async summary(networkId: string, networkName: string, now: Date, day: string): Promise<WeeklySummaryContext> {
    const overdue = await this.txHost.tx.query<OverdueRow[]>(
      `SELECT COALESCE(s.name, 'Structure inconnue') AS structure_name,
              count(*) FILTER (WHERE r.status = 'requested' AND r.acknowledge_due_at < $2)::int AS awaiting_acknowledgement,
              count(*) FILTER (WHERE r.status IN ('received', 'accepted') AND r.first_contact_due_at < $2)::int AS awaiting_first_contact
         FROM notification_referral r LEFT JOIN notification_structure s ON s.structure_id = r.receiving_structure_id
        WHERE r.network_id = $1 AND r.status IN ('requested', 'received', 'accepted')
        GROUP BY 1
       HAVING count(*) FILTER (WHERE (r.status = 'requested' AND r.acknowledge_due_at < $2) OR (r.status IN ('received', 'accepted') AND r.first_contact_due_at < $2)) > 0
        ORDER BY 2 DESC, 3 DESC, 1`,
      [networkId, now],
    );
    const atCapacity = await this.txHost.tx.query<CapacityRow[]>(
      `SELECT COALESCE(st.name, 'Structure inconnue') AS structure_name, sv.name AS service_name, sv.open_slots_per_week,
              (SELECT count(*)::int FROM notification_referral r WHERE r.receiving_service_id = sv.service_id AND r.requested_at > $2::timestamptz - interval '7 days') AS received_this_week
         FROM notification_service sv LEFT JOIN notification_structure st ON st.structure_id = sv.structure_id
        WHERE $1 = ANY(sv.network_ids) AND NOT sv.deleted AND sv.status = 'active' AND sv.open_slots_per_week IS NOT NULL
          AND (sv.open_slots_per_week = 0
               OR (SELECT count(*) FROM notification_referral r WHERE r.receiving_service_id = sv.service_id AND r.requested_at > $2::timestamptz - interval '7 days') >= sv.open_slots_per_week)
        ORDER BY 1, 2`,
      [networkId, now],
    );
    const [requested] = await this.txHost.tx.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM notification_referral WHERE network_id = $1 AND requested_at > $2::timestamptz - interval '7 days'`,
      [networkId, now],
    );
    return {
      networkName,
      weekOf: `${day}T12:00:00Z`,
      overdue: overdue.map((row) => ({ structureName: row.structure_name, awaitingAcknowledgement: row.awaiting_acknowledgement, awaitingFirstContact: row.awaiting_first_contact })),
      atCapacity: atCapacity.map((row) => ({ structureName: row.structure_name, serviceName: row.service_name, openSlotsPerWeek: row.open_slots_per_week, receivedThisWeek: row.received_this_week })),
      requestedThisWeek: requested?.n ?? 0,
      // The network's dashboards in the workspace (services/web, /pilotage/:networkId).
      dashboardUrl: `${this.settings.publicUrl}/pilotage/${networkId}`,
    };
  }
}
