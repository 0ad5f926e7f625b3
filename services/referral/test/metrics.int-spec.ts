import { createServer } from 'node:net';
import { asUser, serviceOf, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

/** A port nobody listens on now (the service binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The value of one series in a Prometheus text exposition, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([key, value]) => inside.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/**
 * Prometheus metrics of a started service (docs/operations.md): served on METRICS_PORT, apart from the
 * API (never under /api, so never through the gateway), with the families the dashboards and alerts of
 * deploy/observability read.
 */
describe('referral metrics on their own port', () => {
  let kit: ReferralKit;
  let metricsUrl: string;
  let sender: Caller;
  let receiver: Caller;
  const scrape = async (): Promise<string> => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    kit = await startReferralKit({ overrides: { METRICS_PORT: String(port) } });
    [sender, receiver] = await Promise.all([asUser(users.cafAgent), asUser(users.associationAgent)]);
    await kit.seedDirectory([sender.structureId ?? '', receiver.structureId ?? '']);
  });

  afterAll(() => kit.stop());

  it('serves every family, labelled with the service and its role, and only at /metrics', async () => {
    const id = await kit.create(sender, serviceOf(receiver.structureId ?? ''));
    expect((await kit.request('GET', `/v1/referrals/${id}`, sender)).status).toBe(200);
    const text = await scrape();
    for (const family of [
      'relais_http_request_duration_seconds',
      'relais_outbox_backlog',
      'relais_outbox_oldest_age_seconds',
      'relais_consumer_lag',
      'relais_consumer_records_total',
      'relais_event_retries_total',
      'relais_dead_letters_total',
      'relais_dead_letter_topic_messages',
      'relais_inbox_duplicates_skipped_total',
      'relais_referrals_overdue',
      'relais_process_resident_memory_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${family} `);
    }
    // By the route's pattern, never the raw path with its id.
    expect(sample(text, 'relais_http_request_duration_seconds_count', { route: '/api/referral/v1/referrals/:id', method: 'GET', status: '200', service: 'referral', role: 'all' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(id);
    // The directory's snapshots were consumed: the group has offsets on its topics.
    expect(sample(text, 'relais_consumer_lag', { topic: `${kit.topicPrefix}relais.directory.network.v1`, partition: '0' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'relais_outbox_backlog', {})).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'relais_dead_letter_topic_messages', { topic: 'relais.directory.network.v1' })).toBe(0);
    expect(text).not.toContain('relais_metrics_collect_errors_total{');

    expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(`${kit.url}/metrics`)).status).toBe(404);
  });

  it('counts referrals past their acknowledgement deadline by network, by the service clock', async () => {
    const before = await scrape();
    expect(sample(before, 'relais_referrals_overdue', { deadline: 'acknowledge' })).toBeUndefined();
    await kit.create(sender, serviceOf(receiver.structureId ?? ''));
    // Two business days later and more: nobody acknowledged it.
    kit.clock.set(new Date(kit.clock.now().getTime() + 7 * 86_400_000));
    const after = await scrape();
    const { rows } = await kit.db.query<{ network: string; n: number }>(
      `SELECT COALESCE(network_id::text, 'none') AS network, count(*)::int AS n FROM referrals WHERE status = 'requested' GROUP BY 1`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(sample(after, 'relais_referrals_overdue', { network: row.network, deadline: 'acknowledge' })).toBe(row.n);
  });
});
