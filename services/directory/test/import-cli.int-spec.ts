import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestService } from '@relais/testing';
import { directoryCommands } from '../src/cli/commands';
import { communesOfDepartement } from '../src/communes/referentiel';
import { readConfig } from '../src/config';
import { sampleDataInclusion } from '../src/imports/formats/data-inclusion-sample';
import type { ImportReport } from '../src/imports/import-plan';
import { api, startDirectory, tokens } from './support';

/**
 * `npm run directory -- import <file> --format data-inclusion --report <file>` as the operator runs it, on a
 * small made-up extract with bad rows: the progress bar, the summary, the exit code and the per-row report.
 */
describe('the import command', () => {
  let directory: TestService;
  let folder: string;

  beforeAll(async () => {
    directory = await startDirectory();
    const admin = await tokens.admin();
    const codes = communesOfDepartement('56').map((c) => c.code);
    expect((await api(directory.url)('POST', '/v1/networks', { token: admin, body: { name: 'Morbihan', communeCodes: codes } })).status).toBe(201);
    folder = mkdtempSync(join(tmpdir(), 'relais-import-'));
  }, 120_000);

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await directory?.stop();
  });

  it('shows progress, says what was rejected, exits with 2 and writes every row to the report', async () => {
    const file = join(folder, 'extrait.ndjson');
    const reportFile = join(folder, 'rapport.json');
    // 20 structures (each with 1 or 2 services: 50 lines); the first ten of each hundred are bad:
    // even ones have a 9-digit SIRET (refused by the official schema), odd ones unreadable hours (noted).
    // Notes also on every imported service (`se-presenter`) and on the two ressourceries (a réseau with no place).
    writeFileSync(file, sampleDataInclusion(20, { badPerHundred: 10 }));
    const written: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    try {
      await directoryCommands['import']?.(readConfig(directory.env), [file, '--format', 'data-inclusion', '--report', reportFile]);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
    expect(process.exitCode).toBe(2);
    process.exitCode = 0;
    const shown = written.join('');
    expect(shown).toMatch(/import \[[=█-]+\] 100 % \| 50\/50 lignes/);
    expect(shown).toMatch(/rejetées +10/);
    expect(shown).toMatch(/✗ ligne 1 \(structure exemple-56:s-1\) : schéma v1 : siret compte au moins 14 caractères/);
    expect(shown).toContain(`Rapport ligne par ligne (raisons et notes) : ${reportFile}`);

    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ImportReport;
    expect(report.summary).toEqual({ total: 50, created: 40, updated: 0, unchanged: 0, rejected: 10, withNotes: 32 });
    expect(report.rows).toHaveLength(50);
    const row = (sourceId: string) => report.rows.find((r) => r.sourceId === sourceId);
    expect(row('exemple-56:s-1')).toMatchObject({ row: 1, outcome: 'rejected', reasons: ['schéma v1 : siret compte au moins 14 caractères', 'schéma v1 : siret « 123456789 » ne suit pas le motif ^\\d{14}$'] });
    expect(row('exemple-56:s-1-sv-1')).toMatchObject({ outcome: 'rejected', reasons: ['structure exemple-56:s-1 non importée (rejetée ou absente)'] });
    expect(row('exemple-56:s-2')).toMatchObject({ outcome: 'created', notes: [expect.stringMatching(/^horaires_accueil non repris : illisible/)] });
    expect(row('exemple-56:s-2-sv-2')).toMatchObject({ outcome: 'created', notes: [expect.stringMatching(/^modes_mobilisation « se-presenter » non repris/)] });
    expect(row('exemple-56:s-11')).toMatchObject({ outcome: 'created' });
    expect(row('exemple-56:s-11')?.notes).toBeUndefined();
  }, 300_000);
});
