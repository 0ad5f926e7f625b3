// The describe/it block this file builds runs inside jest only; its globals are typed here so that running code
// importing @relais/testing (the benchmarks) still typechecks.
/// <reference types="jest" />
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { untypedProperties } from '@relais/platform';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { TestService } from './test-service';

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

export interface OpenApiLintReport {
  /** One line per error: rule, JSON pointer, message. */
  errors: string[];
  /** One line per warning, the same way. */
  warnings: string[];
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
    const lines = (severity: LintProblem['severity']) =>
      report.problems.filter((problem) => problem.severity === severity).map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    const errors = lines('error');
    const warnings = lines('warn');
    if (errors.length !== report.totals.errors) errors.push(`redocly counted ${report.totals.errors} errors, ${errors.length} listed`);
    if (warnings.length !== report.totals.warnings) warnings.push(`redocly counted ${report.totals.warnings} warnings, ${warnings.length} listed`);
    return { errors, warnings };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The checks every service's OpenAPI document passes, as the service serves it (started by `start`, as
 * its other integration tests start it): `redocly lint` with the recommended ruleset and no error nor
 * warning, and no property reflected as a bare object (a nullable scalar that lost its type). A
 * service's `test/openapi-lint.int-spec.ts` is one line: `describeOpenApiDocument('directory', startDirectory)`.
 */
export function describeOpenApiDocument(service: string, start: () => Promise<TestService>): void {
  describe(`the ${service} OpenAPI document, as served`, () => {
    let instance: TestService | undefined;
    let document: OpenAPIObject;

    beforeAll(async () => {
      instance = await start();
      const response = await fetch(`${instance.url}/openapi.json`);
      expect(response.status).toBe(200);
      document = (await response.json()) as OpenAPIObject;
    });
    afterAll(() => instance?.stop());

    it('has no error and no warning under redocly lint (recommended ruleset, redocly.yaml)', () => {
      const report = redoclyLint(document, service);
      expect(report).toEqual({ errors: [], warnings: [] });
    });

    it('types every property: nullable scalars as their type with nullable: true, never a bare object', () => {
      expect(Object.keys(document.paths).length).toBeGreaterThan(0);
      expect(untypedProperties(document)).toEqual([]);
    });
  });
}
