/**
 * `npm test`: lint, typecheck and unit tests of every project, then the integration and end-to-end
 * tests against one real infrastructure (PostgreSQL, Kafka, identity provider) started for the run.
 * Ends with one line `N passed, N failed` summing every jest run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, stateSubdir } from '../state-dir';
import { startTestInfrastructure } from './test-infrastructure';

const say = (message: string) => process.stdout.write(`\n\x1b[1m[relais test]\x1b[0m ${message}\n`);

interface Step {
  title: string;
  args: string[];
}

function nx(...args: string[]): string[] {
  return [join(repoRoot, 'node_modules/nx/dist/bin/nx.js'), ...args, '--outputStyle=stream', '--skipNxCache'];
}

async function main(): Promise<number> {
  const results = stateSubdir('test-results');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const env = { ...process.env, RELAIS_TEST_RESULTS: results, FORCE_COLOR: '0' };
  const started = Date.now();
  const failures: string[] = [];

  const staticSteps: Step[] = [
    { title: 'lint, typecheck et tests unitaires', args: nx('run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=2') },
    // deploy/ rendered and validated (hadolint, dclint, helm, kubernetes-validate; built once into the tool cache).
    { title: 'fichiers de déploiement', args: nx('run', 'infra:deploy') },
  ];
  for (const step of staticSteps) {
    say(step.title);
    if ((await run(step.args, env)) !== 0) failures.push(step.title);
  }

  ensureChromium();
  say('démarrage de PostgreSQL, Kafka et du fournisseur d’identité pour les tests');
  const infrastructure = await startTestInfrastructure();
  try {
    const withInfra = { ...env, ...infrastructure.env };
    const steps: Step[] = [
      { title: 'tests d’intégration', args: nx('run-many', '-t', 'integration', '--parallel=2') },
      { title: 'tests de bout en bout', args: nx('run', 'infra:e2e') },
    ];
    for (const step of steps) {
      say(step.title);
      if ((await run(step.args, withInfra)) !== 0) failures.push(step.title);
    }
  } finally {
    await infrastructure.stop();
  }

  const totals = readdirSync(results)
    .map((file) => JSON.parse(readFileSync(join(results, file), 'utf8')) as { passed: number; failed: number; skipped: number })
    .reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), {
      passed: 0,
      failed: 0,
      skipped: 0,
    });
  say(`durée totale ${((Date.now() - started) / 1000).toFixed(0)} s${failures.length ? ` — en échec : ${failures.join(', ')}` : ''}`);
  const failed = totals.failed + (failures.length > 0 && totals.failed === 0 ? failures.length : 0);
  process.stdout.write(`${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`);
  return failures.length === 0 && totals.failed === 0 ? 0 : 1;
}

/**
 * The web workspace's end-to-end tests drive Debian's chromium (playwright-core never downloads a browser).
 * A fresh CI machine (root) gets it from apt; elsewhere the absence is said, and the web tests fail saying so.
 */
function ensureChromium(): void {
  if (existsSync('/usr/bin/chromium')) return;
  if (process.getuid?.() !== 0) {
    say('chromium absent et pas de droits root : installez-le (sudo apt-get install -y chromium) pour les tests de l’espace web');
    return;
  }
  say('installation de chromium (paquet Debian) pour les tests de l’espace web');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: 'inherit' });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[relais test] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
