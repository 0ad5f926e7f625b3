import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { serviceNames } from '../../src/service-processes';
import { repoRoot } from '../../src/state-dir';

const compose = join(repoRoot, 'deploy/compose/compose.yaml');
const dclintConfig = join(repoRoot, 'deploy/compose/.dclintrc.yaml');

function dclint(file: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules/dclint/bin/dclint.cjs'), '-c', dclintConfig, '--max-warnings', '0', '--color', 'false', file], {
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  user?: string;
  read_only?: boolean;
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: unknown[];
  profiles?: string[];
}

/**
 * deploy/compose, checked without Docker: dclint (the Compose specification's JSON schema and its
 * rules, ordering aside: .dclintrc.yaml says why) finds nothing, and the file runs what the runbook says.
 */
describe('deploy/compose', () => {
  const document = parse(readFileSync(compose, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = document.services;

  it('is valid for dclint and the Compose schema, without a warning', () => {
    expect(dclint(compose)).toEqual({ status: 0, output: '' });
  });

  it('would catch a mistake: dclint refuses a key the schema does not know', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relais-dclint-'));
    try {
      const broken = join(dir, 'compose.yaml');
      writeFileSync(broken, readFileSync(compose, 'utf8').replace('  kafka:\n    image:', '  kafka:\n    imagee:'));
      const result = dclint(broken);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/invalid-schema/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs every service twice, api and consumers, read-only and non-root, after the provisioning', () => {
    for (const name of serviceNames) {
      for (const role of ['api', 'consumers']) {
        const service = services[`${name}-${role}`];
        expect(service?.environment).toMatchObject({ SERVICE: name, RELAIS_SERVICE_ROLE: role, KAFKA_BROKERS: 'kafka:9092' });
        expect(service?.environment?.['DATABASE_URL']).toMatch(new RegExp(`^postgres://relais_${name}:\\$\\{DATABASE_PASSWORD_${name.toUpperCase()}`));
        expect(service?.read_only).toBe(true);
        expect(service?.user).toBe('1000:1000');
        expect(service?.depends_on).toMatchObject({ provision: { condition: 'service_completed_successfully' } });
        // Only the gateway publishes a port: metrics and APIs stay on the backend network.
        expect(service?.ports).toBeUndefined();
      }
    }
    expect(Object.entries(services).filter(([, service]) => service.ports).map(([name]) => name)).toEqual(['gateway']);
  });

  it('runs Kafka in KRaft mode, and the gateway with TLS for the département domain', () => {
    expect(services['kafka']?.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller', KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' });
    expect(services['gateway']?.environment).toMatchObject({ RELAIS_SITE_ADDRESS: '${RELAIS_DOMAIN}', RELAIS_TLS: '${RELAIS_TLS:-acme}' });
    expect(services['identity']?.profiles).toEqual(['dev-idp']);
  });

  it('takes every setting from the one .env, whose example names them all', () => {
    const variables = new Set([...readFileSync(compose, 'utf8').matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1] ?? ''));
    const example = readFileSync(join(repoRoot, 'deploy/compose/example-56.env'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z0-9_]+)=/gm)].map((match) => match[1] ?? ''));
    // Deployment-wide knobs with safe defaults, described in docs/operations.md rather than in every .env.
    const optional = new Set(['RELAIS_IMAGE_REGISTRY', 'RELAIS_ENVIRONMENT', 'OIDC_AUDIENCE', 'RELAIS_HTTP_PUBLISHED', 'RELAIS_HTTPS_PUBLISHED', 'RELAIS_LISTEN_ADDRESS']);
    expect([...variables].filter((name) => !documented.has(name) && !optional.has(name))).toEqual([]);
    // No secret is filled in the example.
    for (const secret of ['POSTGRES_PASSWORD', 'REFERRAL_MASTER_KEYS', 'DIAGNOSTIC_MASTER_KEYS', 'SMTP_PASSWORD', 'SMS_API_KEY']) expect(example).toMatch(new RegExp(`^${secret}=$`, 'm'));
  });
});
