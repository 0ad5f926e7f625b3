import { withApplicationContext } from '@relais/platform';
import { SingleBar } from 'cli-progress';
import { AppModule } from '../app.module';
import type { ReportingConfig } from '../config';
import { ProjectionRebuild, type RebuildPhase } from './projection-rebuild';

const phaseLabel: Record<RebuildPhase, string> = {
  replay: 'relecture des topics',
  'catch-up': 'rattrapage (consommateur en attente)',
  switch: 'bascule',
};

/**
 * `npm run reporting:rebuild` (`main.js rebuild`): drops and rebuilds every projection from the beginning of the
 * topics while the running service keeps answering from the version in use (docs/reporting.md "Rebuild").
 * The command's own process neither serves nor consumes: an `api` role, without a metrics port of its own.
 */
export async function rebuildCommand(config: ReportingConfig): Promise<void> {
  const own: ReportingConfig = { ...config, RELAIS_SERVICE_ROLE: 'api', METRICS_PORT: 0 };
  await withApplicationContext(AppModule.forRoot(own), async (app) => {
    const interactive = process.stdout.isTTY;
    const bar = new SingleBar({ format: '{phase} [{bar}] {percentage} % · {value}/{total} enregistrements · {eta_formatted}', hideCursor: true });
    let current: RebuildPhase | undefined;
    let lastLine = -1;
    const report = await app.get(ProjectionRebuild).run((phase, read, total) => {
      if (interactive) {
        if (phase !== current) {
          if (current) bar.stop();
          bar.start(total, read, { phase: phaseLabel[phase] });
          current = phase;
        }
        bar.setTotal(total);
        bar.update(read, { phase: phaseLabel[phase] });
        return;
      }
      // Without a terminal (logs, CI): one line per tenth.
      const tenth = total === 0 ? 10 : Math.floor((read / total) * 10);
      if (phase !== current || tenth !== lastLine) process.stdout.write(`${phaseLabel[phase]} : ${tenth * 10} % (${read}/${total})\n`);
      current = phase;
      lastLine = tenth;
    });
    if (interactive) bar.stop();
    process.stdout.write(
      `Projections reconstruites en ${report.seconds} s (dont ${report.applySeconds} s d’écriture) : ${report.events} événements relus (${report.duplicates} en double, ${report.failed} en échec, ${report.skipped} écartés), ${report.tables.length} tables basculées ; mémoire : ${Math.round(process.resourceUsage().maxRSS / 1024)} Mo.\n`,
    );
  });
}
