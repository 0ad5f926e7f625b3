import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock, METRICS_REGISTRY, scrapedGauge } from '@relais/platform';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * `relais_referrals_overdue{network, deadline}`: referrals whose acknowledgement or first contact is
 * late by the service's clock (the one deadlines are set by), by réseau local, measured when Prometheus scrapes (deploy/observability alerts on it). The
 * statuses that still owe each deadline are the SLA sweeper's (sla-sweeper.ts). Registered with the
 * workers, so `api` replicas do not run the query too.
 */
@Injectable()
export class SlaMetrics {
  constructor(@Optional() @Inject(METRICS_REGISTRY) registry: Registry | undefined, dataSource: DataSource, clock: Clock) {
    if (!registry) return;
    scrapedGauge(
      registry,
      { name: 'relais_referrals_overdue', help: 'Orientations en retard sur leur accusé de réception ou leur premier contact, par réseau', labelNames: ['network', 'deadline'] },
      async () => {
        const rows: Array<{ network: string; deadline: string; overdue: number }> = await dataSource.query(
          `SELECT COALESCE(network_id::text, 'none') AS network, deadline, count(*)::int AS overdue FROM (
             SELECT network_id, 'acknowledge' AS deadline FROM referrals WHERE status = 'requested' AND acknowledge_due_at < $1
             UNION ALL
             SELECT network_id, 'first-contact' FROM referrals WHERE status IN ('received', 'accepted') AND first_contact_due_at < $1
           ) late GROUP BY 1, 2`,
          [clock.now()],
        );
        return rows.map((row) => ({ labels: { network: row.network, deadline: row.deadline }, value: row.overdue }));
      },
    );
  }
}
