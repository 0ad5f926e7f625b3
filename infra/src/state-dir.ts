import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: infra/src (or dist/infra/src) sits two or three levels below it. */
export const repoRoot = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  let dir = from;
  for (;;) {
    try {
      statSync(join(dir, 'nx.json'));
      return dir;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`no nx.json above ${from}`);
      dir = parent;
    }
  }
}

/**
 * The build this code belongs to: `.relais/build/<id>/` made by infra/bin/relais (or a `dist/` compiled by hand).
 * Compiled code is two folders below it. Code run from its sources (jest) takes the build of the command that
 * launched it (RELAIS_BUILD_DIR, set by infra/bin/relais), else the one `dist` points to now. Resolved once, so a
 * process started later by this one (a service restarted by the supervisor, the seed) runs the same build even if
 * another command has switched `dist` since; and every process is started from the real path, which is how
 * infra/bin/relais knows a build is still in use.
 */
export function buildDir(): string {
  return (resolvedBuildDir ??= __filename.endsWith('.js')
    ? resolve(__dirname, '..', '..')
    : realpathSync(process.env['RELAIS_BUILD_DIR'] ?? join(repoRoot, 'dist')));
}
let resolvedBuildDir: string | undefined;

/** A compiled file of this build, named by its path in it: `services/referral/src/main.js`. */
export const builtFile = (relative: string): string => join(buildDir(), relative);

/**
 * Where the local platform keeps its state (databases, Kafka logs, caches).
 * `.relais/` in the clone when every folder above it lets others traverse it, because PostgreSQL
 * runs as the unprivileged `postgres` user and refuses to start otherwise; else a folder under
 * /var/tmp named after the clone, so two clones never share data.
 */
export function stateDir(): string {
  const inClone = join(repoRoot, '.relais');
  const dir = traversableByOthers(repoRoot)
    ? inClone
    : join('/var/tmp', `relais-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

function traversableByOthers(path: string): boolean {
  let dir = resolve(path);
  for (;;) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) return false;
    const parent = dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/** A sub-folder of the state dir, created on demand. */
export function stateSubdir(...parts: string[]): string {
  const dir = join(stateDir(), ...parts);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  accessSync(dir, constants.W_OK);
  return dir;
}
