import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ensureHelm, ensurePythonTools } from '../../src/deploy-tools';
import { serviceNames } from '../../src/service-processes';
import { repoRoot } from '../../src/state-dir';

const chart = join(repoRoot, 'deploy/helm/relais');
const kubeVersion = '1.33.0';
const examples = { '56-morbihan': 'relais-56', '35-ille-et-vilaine': 'relais-35' } as const;

interface Resource {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}
interface Container {
  name: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  ports?: Array<{ name: string; containerPort: number }>;
  securityContext?: Record<string, unknown>;
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  args?: string[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
}

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * deploy/helm/relais, for two example départements: `helm lint --strict`, `helm template`, and every
 * rendered object validated against the Kubernetes schemas (kubernetes-validate --strict, which ships
 * them; the Prometheus Operator's ServiceMonitor has none there and is checked by hand). Helm is built
 * from the Go module proxy into the tool cache the first time (minutes), never skipped.
 */
describe('deploy/helm/relais', () => {
  let helm: string;
  let validate: string;
  let dir: string;
  const rendered = new Map<string, Resource[]>();

  beforeAll(() => {
    helm = ensureHelm();
    validate = ensurePythonTools().kubernetesValidate;
    dir = mkdtempSync(join(tmpdir(), 'relais-helm-'));
  }, 30 * 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const render = (example: keyof typeof examples, extra: string[] = []) =>
    run(helm, ['template', `r${example.slice(0, 2)}`, chart, '-f', join(chart, 'examples', `${example}.yaml`), '--namespace', examples[example], '--kube-version', kubeVersion, ...extra]);

  it.each(Object.keys(examples) as Array<keyof typeof examples>)('%s: lints strictly, renders, and every object is valid for Kubernetes 1.33', (example) => {
    const lint = run(helm, ['lint', '--strict', chart, '-f', join(chart, 'examples', `${example}.yaml`), '--kube-version', kubeVersion]);
    expect(lint).toEqual({ status: 0, output: expect.stringContaining('0 chart(s) failed') });
    const template = render(example);
    expect(template.status).toBe(0);
    const file = join(dir, `${example}.yaml`);
    writeFileSync(file, template.output);
    const validation = run(validate, ['--strict', '--quiet', '-k', kubeVersion, file]);
    expect(validation.status).toBe(0);
    // Only the CRD without a schema may be reported.
    expect(validation.output.split('\n').filter((line) => line.trim() && !/Couldn't find schema for kind ServiceMonitor/.test(line))).toEqual([]);
    rendered.set(
      example,
      parseAllDocuments(template.output)
        .map((document) => document.toJS() as Resource | null)
        .filter((resource): resource is Resource => resource !== null),
    );
  });

  it('would catch a mistake: kubernetes-validate refuses a field Kubernetes does not have', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, render('56-morbihan').output.replace('containerPort: 8080', 'containerPrt: 8080'));
    expect(run(validate, ['--strict', '--quiet', '-k', kubeVersion, file]).status).not.toBe(0);
  });

  it('refuses to render without the département, its issuer or its brokers, naming the value', () => {
    const result = render('56-morbihan', ['--set', 'department=']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('department is required');
  });

  const of = (example: string, kind: string): Resource[] => (rendered.get(example) ?? []).filter((resource) => resource.kind === kind);
  const podOf = (resource: Resource): PodSpec => (resource.spec['template'] as { spec: PodSpec }).spec;

  it('runs a Deployment per service and role, non-root and read-only, probed on health and readiness, with a PDB each', () => {
    for (const example of Object.keys(examples)) {
      const deployments = of(example, 'Deployment');
      const pdbs = new Set(of(example, 'PodDisruptionBudget').map((pdb) => pdb.metadata.name));
      for (const name of serviceNames) {
        for (const role of ['api', 'consumers']) {
          const deployment = deployments.find((d) => d.metadata.name.endsWith(`-${name}-${role}`));
          expect(deployment).toBeDefined();
          if (!deployment) continue;
          const pod = podOf(deployment);
          const [container] = pod.containers;
          expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
          expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
          expect(container?.livenessProbe?.httpGet?.path).toBe(`/api/${name}/health`);
          expect(container?.readinessProbe?.httpGet?.path).toBe(`/api/${name}/health/ready`);
          expect(container?.env).toContainEqual({ name: 'RELAIS_SERVICE_ROLE', value: role });
          expect(container?.ports?.map((port) => port.name)).toEqual(['http', 'metrics']);
          expect(pdbs).toContain(deployment.metadata.name);
        }
      }
    }
    const replicas = (example: string, suffix: string) => of(example, 'Deployment').find((d) => d.metadata.name.endsWith(suffix))?.spec['replicas'];
    expect(replicas('35-ille-et-vilaine', '-referral-consumers')).toBe(2);
    expect(replicas('35-ille-et-vilaine', '-referral-api')).toBe(3);
    expect(replicas('56-morbihan', '-referral-consumers')).toBe(1);
  });

  it('takes database URLs, Kafka credentials and keys from the département Secret, never as values', () => {
    for (const [example, secret] of [['56-morbihan', 'relais-56'], ['35-ille-et-vilaine', 'relais-35']] as const) {
      for (const resource of [...of(example, 'Deployment'), ...of(example, 'Job')]) {
        for (const container of podOf(resource).containers) {
          for (const variable of container.env ?? []) {
            if (/PASSWORD|KEYS?$|DATABASE_URL|SASL_USERNAME/.test(variable.name)) {
              expect({ name: variable.name, value: variable.value, secret: variable.valueFrom?.secretKeyRef?.name }).toEqual({ name: variable.name, value: undefined, secret });
            }
          }
        }
      }
      const referral = of(example, 'Deployment').find((d) => d.metadata.name.endsWith('-referral-api'));
      const env = referral ? (podOf(referral).containers[0]?.env ?? []) : [];
      expect(env.find((variable) => variable.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.key).toBe('referral-database-url');
      expect(env.find((variable) => variable.name === 'KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef?.key).toBe('referral-kafka-password');
    }
  });

  it('migrates every service in a pre-install/pre-upgrade hook Job, after provisioning when asked', () => {
    for (const example of Object.keys(examples)) {
      const jobs = of(example, 'Job');
      for (const name of serviceNames) {
        const job = jobs.find((j) => j.metadata.name.endsWith(`-${name}-migrate`));
        expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
        expect(job ? podOf(job).containers[0]?.args : undefined).toEqual(['migrate']);
      }
    }
    const provision = of('35-ille-et-vilaine', 'Job').find((j) => j.metadata.name.endsWith('-provision'));
    expect(Number(provision?.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(0);
    expect(of('56-morbihan', 'Job').some((j) => j.metadata.name.endsWith('-provision'))).toBe(false);
  });

  it('lets only the gateway reach the APIs, only the ingress controller reach the gateway, only the scraper reach metrics', () => {
    const policies = of('35-ille-et-vilaine', 'NetworkPolicy');
    const byName = (suffix: string) => policies.find((policy) => policy.metadata.name.endsWith(suffix))?.spec;
    expect(byName('-default-deny')).toMatchObject({ policyTypes: ['Ingress'] });
    expect(byName('-default-deny')?.['ingress']).toBeUndefined();
    expect(byName('-api-from-gateway')).toMatchObject({
      podSelector: { matchLabels: { 'relais.fr/role': 'api' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'gateway' } } }], ports: [{ port: 8080 }] }],
    });
    expect(byName('-gateway-from-ingress')).toMatchObject({ ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }] }] });
    expect(byName('-metrics-from-scraper')).toMatchObject({ ingress: [{ ports: [{ port: 9464 }] }] });
  });

  it('serves the one origin through an ingress with TLS, and scrapes metrics through the optional ServiceMonitor', () => {
    const [ingress] = of('56-morbihan', 'Ingress');
    expect(ingress?.spec).toMatchObject({ tls: [{ hosts: ['relais.morbihan.example.fr'], secretName: 'relais-56-tls' }] });
    expect(of('56-morbihan', 'ServiceMonitor')).toEqual([]);
    const [monitor] = of('35-ille-et-vilaine', 'ServiceMonitor');
    expect(monitor?.spec).toMatchObject({ endpoints: [{ port: 'metrics', path: '/metrics' }] });
    expect(monitor?.metadata.labels?.['release']).toBe('kube-prometheus-stack');
    // Every service Service the monitor selects (those with a role) has the port it names.
    const monitored = of('35-ille-et-vilaine', 'Service').filter((service) => service.metadata.labels?.['relais.fr/role']);
    expect(monitored).toHaveLength(serviceNames.length * 2);
    for (const service of monitored) expect((service.spec['ports'] as Array<{ name: string }>).map((port) => port.name)).toContain('metrics');
  });
});
