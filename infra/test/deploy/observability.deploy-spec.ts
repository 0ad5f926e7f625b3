import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../src/state-dir';

/**
 * deploy/observability: the alert rules and the dashboard only name metrics the code registers.
 * promtool is not at hand (the Prometheus module is too heavy to build here), so the rule file is
 * parsed and checked for its shape, and every metric an expression names is looked up in the sources.
 */

/**
 * Metric names registered in the running code, outside tests: `name: 'relais_…'` of a prom-client
 * metric or scrapedGauge, or the first argument of messaging's `counter('relais_…'`. (Other `relais_`
 * literals are Kafka headers or SQL names.)
 */
function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry === 'node_modules' || entry === 'test' || entry === 'testing') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/(?:name: |counter\()'(relais_[a-z0-9_]+)'/g)) if (match[1]) names.add(match[1]);
      }
    }
  };
  walk(join(repoRoot, 'libs'));
  walk(join(repoRoot, 'services'));
  return names;
}

/** prom-client's default process and Node.js families, under the prefix libs/platform gives them. */
const defaultFamilies = /^relais_(process_|nodejs_)/;
/** Series a histogram or the scraper adds to a family's name. */
const suffixes = /_(bucket|count|sum)$/;

function metricsNamedIn(expr: string): string[] {
  return [...expr.matchAll(/\b(relais_[a-z0-9_]+)/g)].map((match) => match[1] ?? '');
}

function unknownMetrics(expr: string, registered: Set<string>): string[] {
  return metricsNamedIn(expr).filter((name) => !registered.has(name) && !registered.has(name.replace(suffixes, '')) && !defaultFamilies.test(name));
}

interface Rule {
  alert?: string;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

describe('deploy/observability', () => {
  const dir = join(repoRoot, 'deploy/observability');
  const registered = registeredMetrics();

  it('finds the families the runbook promises in the code', () => {
    for (const family of [
      'relais_http_request_duration_seconds',
      'relais_outbox_backlog',
      'relais_outbox_oldest_age_seconds',
      'relais_consumer_lag',
      'relais_event_retries_total',
      'relais_dead_letters_total',
      'relais_dead_letter_topic_messages',
      'relais_inbox_duplicates_skipped_total',
      'relais_referrals_overdue',
      'relais_notification_deliveries',
    ]) {
      expect(registered).toContain(family);
    }
  });

  it('alert rules: well-formed groups, each rule an alert with an expression on existing metrics, a severity and a summary', () => {
    const document = parse(readFileSync(join(dir, 'alerts.yaml'), 'utf8')) as { groups?: Array<{ name?: unknown; rules?: Rule[] }> };
    expect(Array.isArray(document.groups)).toBe(true);
    const alerts: string[] = [];
    for (const group of document.groups ?? []) {
      expect(typeof group.name).toBe('string');
      for (const rule of group.rules ?? []) {
        expect(typeof rule.alert).toBe('string');
        expect(typeof rule.expr).toBe('string');
        const expr = String(rule.expr);
        expect({ alert: rule.alert, unknown: unknownMetrics(expr, registered) }).toEqual({ alert: rule.alert, unknown: [] });
        // Balanced brackets: the cheapest syntax slip a reviewer misses.
        for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']] as const) expect(expr.split(open).length).toBe(expr.split(close).length);
        if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
        expect(['critical', 'warning', 'info']).toContain(rule.labels?.['severity']);
        expect(typeof rule.annotations?.['summary']).toBe('string');
        alerts.push(rule.alert ?? '');
      }
    }
    expect(new Set(alerts).size).toBe(alerts.length);
    // What the issue asks the operator to be woken for.
    expect(alerts).toEqual(expect.arrayContaining(['RelaisOutboxBacklogGrowing', 'RelaisConsumerLag', 'RelaisDeadLettersPresent', 'RelaisReferralsOverdue']));
  });

  it('dashboard: Grafana JSON whose every query names existing metrics and every panel has a place', () => {
    const dashboard = JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8')) as {
      uid: string;
      panels: Array<{ id: number; title: string; gridPos: { h: number; w: number; x: number; y: number }; targets: Array<{ expr: string }> }>;
    };
    expect(dashboard.uid).toBe('relais-operations');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    const named = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.w).toBeGreaterThan(0);
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect({ panel: panel.title, unknown: unknownMetrics(target.expr, registered) }).toEqual({ panel: panel.title, unknown: [] });
        for (const name of metricsNamedIn(target.expr)) named.add(name.replace(suffixes, ''));
      }
    }
    // Every Relais family is on the dashboard.
    for (const family of registered) if (family !== 'relais_metrics_collect_errors_total' && family !== 'relais_consumer_records_total') expect(named).toContain(family);
  });
});
