import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The fuzzer of `npm test`'s API fuzzing (infra/test/e2e/fuzz-apis.e2e-spec.ts): pinned, so a run is reproducible. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/**
 * The `st` command of Schemathesis, installed from PyPI into a virtualenv of its own under ~/.cache/relais/ the
 * first time (Python 3.10+ with venv is the prerequisite; about a minute), then reused. A marker written after
 * pip succeeded tells a finished install from an interrupted one, which is redone.
 */
export async function ensureSchemathesis(cacheDir = join(homedir(), '.cache', 'relais')): Promise<string> {
  const venv = join(cacheDir, `schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = join(venv, 'bin', 'st');
  const marker = join(venv, '.relais-complete');
  if (existsSync(marker) && existsSync(st)) return st;
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  try {
    await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], {
      timeout: 10 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    rmSync(venv, { recursive: true, force: true });
    throw new Error(`cannot install schemathesis ${SCHEMATHESIS_VERSION} into ${venv} (python3 with venv and PyPI are needed): ${error instanceof Error ? error.message : String(error)}`);
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return st;
}
