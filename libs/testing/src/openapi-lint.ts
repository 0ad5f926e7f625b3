import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

export interface OpenApiLintReport {
  /** One line per error: rule, JSON pointer, message. */
  errors: string[];
  warnings: number;
}

const repoRoot = join(__dirname, '../../..');

/**
 * Lints an OpenAPI document with Redocly CLI and the repository's `redocly.yaml` (the recommended
 * ruleset; docs/standards.md, "OpenAPI"), as an integrator's tooling would. Redocly exits 1 when it
 * finds errors: its JSON report is read either way.
 */
export function redoclyLint(document: unknown, name = 'openapi'): OpenApiLintReport {
  const folder = mkdtempSync(join(tmpdir(), 'relais-openapi-'));
  try {
    const file = join(folder, `${name}.openapi.json`);
    writeFileSync(file, JSON.stringify(document));
    let output: string;
    try {
      output = execFileSync(join(repoRoot, 'node_modules/.bin/redocly'), ['lint', file, '--format=json', `--config=${join(repoRoot, 'redocly.yaml')}`], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const { stdout } = error as { stdout?: string | Buffer };
      output = stdout === undefined ? '' : stdout.toString();
    }
    const report = JSON.parse(output.slice(output.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: LintProblem[] };
    const errors = report.problems.filter((problem) => problem.severity === 'error').map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    if (errors.length !== report.totals.errors) errors.push(`redocly counted ${report.totals.errors} errors, ${errors.length} listed`);
    return { errors, warnings: report.totals.warnings };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
