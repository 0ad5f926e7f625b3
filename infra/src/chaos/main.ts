/**
 * `npm run chaos`: the fault suite against a platform of its own. Starts `npm start`'s orchestrator (the
 * compiled cli, its own state folder and ports), drives referrals through the gateway at `--rate` per second
 * (100 by default), kills each service, Kafka and PostgreSQL with SIGKILL in turn, lets supervision bring
 * them back, settles, and checks against what the API accepted (chaos-run.ts). Prints a table and one JSON
 * line per fault; exits 1 when anything was lost, applied twice, stuck or did not heal.
 *
 *   npm run chaos -- --rate=100 --steady=20 --broker-down=60 --only=referral,postgres,kafka-down
 *
 * Faults, in order: directory, diagnostic, referral, notification, reporting, identity, kafka, postgres (kill -9 each),
 * kafka-down (the broker frozen for --broker-down seconds).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoAccountsFile } from '../demo-accounts-file';
import { stateSubdir, builtFile } from '../state-dir';
import { chaosParties } from './chaos-parties';
import { printChaosReport, runChaos } from './chaos-run';

const argument = (name: string): string | undefined => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const numberArgument = (name: string, fallback: number): number => {
  const value = Number(argument(name) ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};

async function main(): Promise<void> {
  const rate = numberArgument('rate', 100);
  const steady = numberArgument('steady', 20);
  const only = argument('only')?.split(',');
  const brokerDownSeconds = numberArgument('broker-down', 60);
  const port = numberArgument('port', 20_000 + Math.floor(Math.random() * 20_000));
  const stateDir = stateSubdir('chaos', `run-${process.pid}`);
  process.stdout.write(`chaos: starting the platform on ${port} (state in ${stateDir})…\n`);
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', builtFile('infra/src/cli.js'), 'start'], {
    env: { PATH: process.env['PATH'] ?? '', RELAIS_PORT: String(port), RELAIS_STATE_DIR: stateDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    // The orchestrator's own lines (restarts, give-ups) are part of what a reader of the run wants to see.
    if (/redémarr|arrêté|abandon/.test(chunk.toString())) process.stdout.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes('Relais est prêt')) {
          clearInterval(timer);
          resolve();
        }
      }, 200);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`npm start exited with ${String(code)}:\n${output}`));
      });
    });
    const accounts = JSON.parse(readFileSync(join(stateDir, 'demo-accounts.json'), 'utf8')) as DemoAccountsFile;
    const databaseUrl = (service: string) => `postgres://postgres:relais-dev@127.0.0.1:${port + 7432}/relais_${service}`;
    const parties = await chaosParties(accounts, databaseUrl('referral'));
    process.stdout.write(`chaos: ${parties.length} structures, ${rate} referrals/s, ${steady} s of steady load around each fault\n`);
    const report = await runChaos({
      origin: `http://127.0.0.1:${port}`,
      stateDir,
      databaseUrl,
      parties,
      ratePerSecond: rate,
      steadySeconds: steady,
      brokerDownMs: brokerDownSeconds * 1000,
      ...(only ? { only } : {}),
      log: (line) => process.stdout.write(line),
    });
    printChaosReport(report, (line) => process.stdout.write(line));
    process.exitCode = report.passed ? 0 : 1;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await gone;
    }
    // A failed run keeps its state folder (services' logs, the mailbox) for whoever looks into it.
    if (process.exitCode === 0) rmSync(stateDir, { recursive: true, force: true });
    else process.stdout.write(`chaos: the run's logs and mailbox are kept in ${stateDir}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
