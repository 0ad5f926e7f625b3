import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
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
