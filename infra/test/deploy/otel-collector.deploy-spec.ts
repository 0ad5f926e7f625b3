import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectorGoMod, ensureOtelCollector, otelcolFiles } from '../../src/deploy-tools';

/**
 * deploy/observability/'s OpenTelemetry Collector: built from its manifest with one release of every
 * component, and its two configurations accepted by the collector itself (`validate` loads them with
 * the same code as a start: unknown keys, missing exporters and bad endpoints are errors). That it
 * carries one referral's trace is infra/test/e2e/traces.e2e-spec.ts.
 */
describe('deploy/observability: relais-otelcol', () => {
  let collector: string;

  beforeAll(() => {
    // Built once per machine into the tool cache (about 5 minutes on 2 cores).
    collector = ensureOtelCollector();
  }, 40 * 60_000);

  it('pins every component at one collector release (core v0.165.0, its stable modules v1.71.0, contrib v0.165.1)', () => {
    const goMod = collectorGoMod(readFileSync(otelcolFiles.manifest, 'utf8'));
    const versions = [...goMod.matchAll(/^\t(\S+) (v\S+)$/gm)].map(([, path = '', version = '']) => ({ path, version }));
    expect(versions.map((module) => module.path)).toEqual(
      expect.arrayContaining([
        'go.opentelemetry.io/collector/otelcol',
        'go.opentelemetry.io/collector/receiver/otlpreceiver',
        'go.opentelemetry.io/collector/processor/batchprocessor',
        'go.opentelemetry.io/collector/exporter/debugexporter',
        'go.opentelemetry.io/collector/exporter/otlpexporter',
        'github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter',
      ]),
    );
    for (const { path, version } of versions) {
      const expected = path.includes('collector-contrib') ? 'v0.165.1' : path.includes('/confmap/provider/') ? 'v1.71.0' : 'v0.165.0';
      expect({ path, version }).toEqual({ path, version: expected });
    }
  });

  it('has the OTLP receiver, the batch processor and the file, debug and OTLP exporters', () => {
    const result = spawnSync(collector, ['components'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    for (const name of ['otlp', 'batch', 'file', 'debug', 'otlp_grpc']) expect(result.stdout).toMatch(new RegExp(`name: ${name}\n`));
    // One release: every component line names v0.165.0 (core) or v0.165.1 (contrib).
    expect([...result.stdout.matchAll(/module: \S+ (v\S+)/g)].map(([, version]) => version).filter((version) => !['v0.165.0', 'v0.165.1', 'v1.71.0'].includes(version ?? ''))).toEqual([]);
  });

  it.each([
    ['the laptop and test configuration (file + debug)', otelcolFiles.local, { RELAIS_TRACES_FILE: join(tmpdir(), 'relais-spans-validate.jsonl') }],
    ['a département’s configuration (OTLP to its backend + debug)', otelcolFiles.departement, { RELAIS_TRACES_BACKEND: 'tempo.observability.svc:4317' }],
  ])('accepts %s', (_label, file, env) => {
    const result = spawnSync(collector, ['validate', '--config', `file:${file}`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
    expect({ status: result.status, output: result.stderr.split('\n').filter((line) => /error/i.test(line)) }).toEqual({ status: 0, output: [] });
  });

  it('refuses a configuration that names an exporter it was not built with (validate is not a rubber stamp)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'relais-otelcol-'));
    try {
      const broken = join(folder, 'broken.yaml');
      writeFileSync(broken, readFileSync(otelcolFiles.local, 'utf8').replace('exporters: [file, debug]', 'exporters: [file, kafka]'));
      const result = spawnSync(collector, ['validate', '--config', `file:${broken}`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', RELAIS_TRACES_FILE: join(folder, 'spans.jsonl') } });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('references exporter "kafka" which is not configured');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
