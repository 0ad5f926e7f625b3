import { Inject, Injectable, Optional } from '@nestjs/common';
import { METRICS_REGISTRY, scrapedGauge } from '@relais/platform';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * `relais_notification_deliveries{channel, state}`, measured when Prometheus scrapes: deliveries
 * waiting (`pending`), waiting after a failed attempt (`retrying`: the webhook failures an operator
 * watches), and those settled in the last 24 hours (`delivered`, `failed`, `cancelled`), so the query
 * stays bounded however long deliveries are kept. Registered beside the deliverer only (workers).
 */
@Injectable()
export class WebhookMetrics {
  constructor(@Optional() @Inject(METRICS_REGISTRY) registry: Registry | undefined, dataSource: DataSource) {
    if (!registry) return;
    scrapedGauge(
      registry,
      { name: 'relais_notification_deliveries', help: 'Envois par canal et état (en attente, en reprise après échec ; réglés dans les dernières 24 h)', labelNames: ['channel', 'state'] },
      async () => {
        const rows: Array<{ state: string; deliveries: number }> = await dataSource.query(
          `SELECT CASE WHEN status = 'queued' AND last_error IS NOT NULL THEN 'retrying' WHEN status = 'queued' THEN 'pending' ELSE status END AS state,
                  count(*)::int AS deliveries
             FROM notification_message
            WHERE channel = 'webhook' AND (status = 'queued' OR created_at > now() - interval '1 day')
            GROUP BY 1`,
        );
        const counts = new Map(rows.map((row) => [row.state, row.deliveries]));
        // Every state is reported, zero included, so a rate() or an alert never meets a missing series.
        return ['pending', 'retrying', 'delivered', 'failed', 'cancelled'].map((state) => ({ labels: { channel: 'webhook', state }, value: counts.get(state) ?? 0 }));
      },
    );
  }
}
