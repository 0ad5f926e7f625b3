/**
 * The web workspace's build (services/web), run by `infra/bin/relais build` after the swc step.
 * Vite runs only when the web sources changed: the output goes to `<state>/web/<hash of the sources>/`,
 * and `<state>/web/current.json` names the build the gateway serves. Older builds are kept (a running
 * platform may be serving one) except beyond the few most recent.
 * Prints the first page's gzipped size and fails above the budget (issue 13: 500 kB).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot, stateSubdir } from './state-dir';

export const FIRST_PAGE_BUDGET_BYTES = 500 * 1024;
const KEPT_BUILDS = 4;
const webRoot = join(repoRoot, 'services/web');

export interface WebBuild {
  hash: string;
  dir: string;
  firstPageGzipBytes: number;
  cached: boolean;
}

/** Where the current build is recorded, for the gateway. */
export const currentWebBuildFile = (): string => join(stateSubdir('web'), 'current.json');

let lastRead: { mtimeMs: number; dir: string | undefined } | undefined;

/**
 * The build the gateway should serve, or undefined when none was made (the gateway then shows its plain page).
 * Read again only when current.json changed: the gateway asks on every request of the web app.
 */
export function currentWebBuild(): string | undefined {
  const file = currentWebBuildFile();
  if (!existsSync(file)) return undefined;
  const { mtimeMs } = statSync(file);
  if (lastRead?.mtimeMs !== mtimeMs) {
    const { dir } = JSON.parse(readFileSync(file, 'utf8')) as { dir: string };
    lastRead = { mtimeMs, dir: existsSync(join(dir, 'index.html')) ? dir : undefined };
  }
  return lastRead.dir;
}

/** Hash of what decides the output: the web sources, the build config, and the locked dependency versions. */
export function webSourcesHash(): string {
  const hash = createHash('sha256');
  const inputs = ['index.html', 'vite.config.ts', 'tsconfig.json', 'src', 'public'];
  for (const file of inputs.flatMap((input) => listFiles(join(webRoot, input))).sort()) {
    hash.update(relative(webRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(readFileSync(join(repoRoot, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => (name.endsWith('.spec.tsx') || name.endsWith('.spec.ts') ? [] : listFiles(join(path, name))));
}

/** Bytes the browser downloads, gzipped, before the first page can show: index.html and what it links. */
export function firstPageGzipBytes(dir: string): number {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const linked = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((match) => match[1] ?? '');
  return [join(dir, 'index.html'), ...linked.map((path) => join(dir, path))].reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
}

export function buildWeb(log: (message: string) => void = () => undefined): WebBuild {
  const hash = webSourcesHash();
  const dir = join(stateSubdir('web'), hash);
  const cached = existsSync(join(dir, 'index.html'));
  if (!cached) {
    // Built beside, then renamed: a half-written build is never served or mistaken for a cached one.
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    const vite = spawnSync(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', partial, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: webRoot,
      stdio: 'inherit',
      // The config is TypeScript in a CommonJS repository: Vite bundles it first, which is what we want.
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    });
    if (vite.status !== 0) {
      rmSync(partial, { recursive: true, force: true });
      throw new Error(`la construction de l'espace web a échoué (vite, code ${vite.status})`);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  }
  const size = firstPageGzipBytes(dir);
  writeFileSync(currentWebBuildFile(), JSON.stringify({ hash, dir }) + '\n');
  pruneOldBuilds(hash);
  log(`espace web ${cached ? 'inchangé' : 'construit'} (${hash}) : première page ${(size / 1024).toFixed(1)} kB gzip (limite ${FIRST_PAGE_BUDGET_BYTES / 1024} kB)`);
  if (size > FIRST_PAGE_BUDGET_BYTES) {
    throw new Error(`la première page de l'espace web pèse ${(size / 1024).toFixed(1)} kB gzip, au-delà de ${FIRST_PAGE_BUDGET_BYTES / 1024} kB`);
  }
  return { hash, dir, firstPageGzipBytes: size, cached };
}

function pruneOldBuilds(current: string): void {
  const root = stateSubdir('web');
  const builds = readdirSync(root)
    .filter((name) => /^[0-9a-f]{16}$/.test(name) && name !== current)
    .map((name) => ({ name, mtime: statSync(join(root, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEPT_BUILDS - 1)) rmSync(join(root, old.name), { recursive: true, force: true });
}

if (require.main === module) {
  try {
    buildWeb((message) => process.stdout.write(`\x1b[1m[relais]\x1b[0m ${message}\n`));
  } catch (error) {
    process.stderr.write(`\x1b[31m[relais] échec :\x1b[0m ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
