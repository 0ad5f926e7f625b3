import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { httpOk, portAnswers, waitUntil } from '../net';
import { repoRoot } from '../state-dir';

export interface LocalMailServerOptions {
  smtpPort: number;
  webPort: number;
  /** Every message received is kept here as `<id>.eml` (and read back after a restart). */
  mailDir: string;
  /** Path the web page and its REST API answer under, so the gateway forwards `/mail/…` unchanged. */
  basePath?: string;
  log?: (message: string) => void;
}

export interface LocalMailServer {
  smtpPort: number;
  /** The web page (`…/index.html`) and the REST API (`…/api/email`), on 127.0.0.1. */
  webUrl: string;
  webPort: number;
  mailDir: string;
  stop(): Promise<void>;
}

/**
 * MailDev (docs/decisions/0005-local-mail-and-sms.md) as a child process: a real SMTP server that keeps
 * every message as an `.eml` file, with a web page and a REST API to read them. A child process because
 * MailDev 3 is an ES module and the platform is compiled to CommonJS; it also keeps a crash of one apart.
 */
export async function startLocalMailServer(options: LocalMailServerOptions): Promise<LocalMailServer> {
  const basePath = options.basePath ?? '/mail';
  mkdirSync(options.mailDir, { recursive: true, mode: 0o755 });
  // A MailDev an orchestrator killed with SIGKILL left running holds the ports: stopped first, as Kafka's is.
  const pidFile = mailServerPidFile(options.mailDir);
  await stopOrphanedMailServer(options.mailDir);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // A development tool holding a few messages: the young generation V8 would size after the machine's memory
      // (up to 128 MB) is not needed (bench:memory).
      '--max-semi-space-size=8',
      join(repoRoot, 'node_modules/maildev/dist/bin/maildev.js'),
      '--smtp', String(options.smtpPort),
      '--ip', '127.0.0.1',
      '--web', String(options.webPort),
      '--web-ip', '127.0.0.1',
      '--base-pathname', basePath,
      '--mail-directory', options.mailDir,
      '--silent',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } },
  );
  if (child.pid !== undefined) writeFileSync(pidFile, `${child.pid}\n`);
  child.once('exit', () => rmSync(pidFile, { force: true }));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const webUrl = `http://127.0.0.1:${options.webPort}${basePath}`;
  try {
    await waitUntil(
      'serveur de courriel local (MailDev)',
      async () => {
        if (exited) throw new Error(`MailDev s'est arrêté : ${stderr.trim()}`);
        return (await portAnswers(options.smtpPort)) && (await httpOk(`${webUrl}/api/email?limit=1`));
      },
      // About a second on an idle machine; a loaded 2-core box (Kafka starting beside it) takes far longer.
      { timeoutMs: 120_000 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    smtpPort: options.smtpPort,
    webUrl,
    webPort: options.webPort,
    mailDir: options.mailDir,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Only a pid whose command line is MailDev on this very mail folder is signalled (pids are reused). */
export async function stopOrphanedMailServer(mailDir: string): Promise<void> {
  const pidFile = mailServerPidFile(mailDir);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  let commandLine: string[];
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return;
  }
  if (!commandLine.some((arg) => arg.endsWith('maildev.js')) || !commandLine.includes(mailDir)) return;
  process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 5_000 && existsSync(`/proc/${pid}`); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
}

function mailServerPidFile(mailDir: string): string {
  return join(dirname(mailDir), 'maildev.pid');
}
