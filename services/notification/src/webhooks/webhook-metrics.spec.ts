import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { WebhookMetrics } from './webhook-metrics';

describe('WebhookMetrics', () => {
  it('reports every delivery state of the webhook channel at scrape time, zero included', async () => {
    const registry = new Registry();
    const queries: string[] = [];
    const dataSource = {
      query: (sql: string) => {
        queries.push(sql);
        return Promise.resolve([
          { state: 'pending', deliveries: 4 },
          { state: 'retrying', deliveries: 2 },
          { state: 'delivered', deliveries: 40 },
        ]);
      },
    } as unknown as DataSource;
    new WebhookMetrics(registry, dataSource);
    const text = await registry.metrics();
    expect(text).toContain('relais_notification_deliveries{channel="webhook",state="retrying"} 2');
    expect(text).toContain('relais_notification_deliveries{channel="webhook",state="delivered"} 40');
    expect(text).toContain('relais_notification_deliveries{channel="webhook",state="failed"} 0');
    expect(text).toContain('relais_notification_deliveries{channel="webhook",state="cancelled"} 0');
    expect(queries).toHaveLength(1);
  });

  it('leaves the family empty and counts the error when the database does not answer', async () => {
    const registry = new Registry();
    new WebhookMetrics(registry, { query: () => Promise.reject(new Error('connection refused')) } as unknown as DataSource);
    expect(await registry.metrics()).not.toContain('relais_notification_deliveries{');
    // The error counter is rendered before the gauge is measured: it shows the failure from the next scrape on.
    expect(await registry.metrics()).toContain('relais_metrics_collect_errors_total{family="relais_notification_deliveries"} 1');
  });
});
