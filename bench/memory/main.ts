/**
 * `npm run bench:memory`: the resident memory of the whole local platform at rest. Starts `npm start`'s
 * orchestrator (the compiled cli, a state folder and ports of its own, as `npm run chaos` does), waits until it
 * says it is ready, lets it settle (`--settle=` seconds, 20 by default), then reads VmRSS from /proc/<pid>/status
 * of every process it started (the orchestrator's whole process tree: the five services, Kafka, PostgreSQL and its
 * backends, MailDev, the identity provider, the orchestrator itself, which holds the gateway), and stops it.
 *
 * Targets (issue 16, item 6): each service ≤ 150 MB RSS at rest, the whole stack ≤ 1.5 GB.
 * RSS counts the pages shared between processes once per process (PostgreSQL's shared buffers in every
 * backend that touched them), so the PostgreSQL sum overstates what the server really holds: the proportional
 * set size (Pss, /proc/<pid>/smaps_rollup), which splits each shared page between the processes mapping it, is
 * printed beside it. The verdict is on RSS, the stricter of the two.
 *
 *   node dist/bench/memory/main.js --settle=20
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtFile, serviceNames, stateSubdir } from '@relais/infra';
import { printTable, round } from '../shared/stats';

const SERVICE_LIMIT_MB = 150;
const STACK_LIMIT_MB = 1536;
const READY_TIMEOUT_MS = 10 * 60_000;
const MAILDEV = 'MailDev';
const READY_LINE = 'Relais est prêt';

const argument = (name: string): string | undefined => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];

interface ProcessMemory {
  pid: number;
  group: string;
  rssKb: number;
  pssKb: number | undefined;
}

/** Every process id with its parent, read once from /proc. */
function processParents(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields after its closing parenthesis are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // gone between the listing and the read
    }
  }
  return parents;
}

function descendants(root: number): number[] {
  const parents = processParents();
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, parent] of parents) if (parent === found[i]) found.push(pid);
  }
  return found;
}

function statusField(pid: number, field: string, file: 'status' | 'smaps_rollup'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** What a process of the platform is, from its command line. */
function groupOf(pid: number, orchestrator: number): string {
  if (pid === orchestrator) return 'orchestrator (gateway)';
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return 'gone';
  }
  const service = serviceNames.find((name) => command.includes(`services/${name}/src/main.js`));
  if (service) return service;
  if (command.includes('serve-identity.js')) return 'identity provider';
  if (/\bpostgres\b/.test(command) || /^postgres:/.test(command)) return 'PostgreSQL';
  if (/\bjava\b/.test(command) && /kafka/i.test(command)) return 'Kafka';
  if (command.includes('maildev')) return MAILDEV;
  return `other: ${command.slice(0, 60)}`;
}

function readMemory(orchestrator: number): ProcessMemory[] {
  return descendants(orchestrator).flatMap((pid) => {
    const rssKb = statusField(pid, 'VmRSS', 'status');
    // Kernel threads and processes gone meanwhile have no VmRSS.
    return rssKb === undefined ? [] : [{ pid, group: groupOf(pid, orchestrator), rssKb, pssKb: statusField(pid, 'Pss', 'smaps_rollup') }];
  });
}

const mb = (kb: number): number => round(kb / 1024, 1);

async function main(): Promise<void> {
  const settleSeconds = Number(argument('settle') ?? 20);
  if (!Number.isFinite(settleSeconds) || settleSeconds < 0) throw new Error('--settle must be a number of seconds ≥ 0');
  const port = Number(argument('port') ?? 20_000 + Math.floor(Math.random() * 20_000));
  const stateDir = stateSubdir('bench', `memory-${process.pid}`);
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  process.stdout.write(`bench:memory: starting the platform as npm start does, on ${port} (state in ${stateDir}), load ${load()}…\n`);
  const startedAt = performance.now();
  // The same flags as infra/bin/relais start.
  const child = spawn(process.execPath, ['--max-semi-space-size=16', '--expose-gc', '--disable-warning=TimeoutNegativeWarning', builtFile('infra/src/cli.js'), 'start'], {
    env: { PATH: process.env['PATH'] ?? '', RELAIS_PORT: String(port), RELAIS_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Each line of the orchestrator with the second it arrived: the phases of a start (PostgreSQL, Kafka, services, seed, ready).
  const phases: { s: number; line: string }[] = [];
  const record = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    const s = round((performance.now() - startedAt) / 1000, 1);
    for (const line of text.split('\n')) {
      // eslint-disable-next-line no-control-regex -- the orchestrator's bold [relais] prefix
      const message = line.replace(/\x1b\[[0-9;]*m/g, '').replace(/^\[relais\] /, '');
      // Indented lines detail the one before (the addresses listed once ready); the phases end at ready.
      if (!message.trim() || message.startsWith(' ') || phases.some((phase) => phase.line.startsWith(READY_LINE))) continue;
      phases.push({ s, line: message.trim().slice(0, 100) });
    }
  };
  child.stdout.on('data', record);
  child.stderr.on('data', record);
  // Ctrl-C still stops the platform the bench started.
  const interrupted = () => {
    child.kill('SIGINT');
    child.once('exit', () => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes(READY_LINE)) {
          clearInterval(timer);
          resolve();
        } else if (performance.now() - startedAt > READY_TIMEOUT_MS) {
          clearInterval(timer);
          reject(new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s:\n${output}`));
        }
      }, 200);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`npm start exited with ${String(code)}:\n${output}`));
      });
    });
    const readySeconds = round((performance.now() - startedAt) / 1000, 1);
    for (const phase of phases) process.stdout.write(`  ${String(phase.s).padStart(6)} s  ${phase.line}\n`);
    process.stdout.write(`ready in ${readySeconds} s; settling ${settleSeconds} s…\n`);
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));

    const processes = readMemory(child.pid ?? -1);
    const groups = new Map<string, { processes: number; rssKb: number; pssKb: number }>();
    for (const p of processes) {
      const group = groups.get(p.group) ?? { processes: 0, rssKb: 0, pssKb: 0 };
      group.processes += 1;
      group.rssKb += p.rssKb;
      group.pssKb += p.pssKb ?? p.rssKb;
      groups.set(p.group, group);
    }
    const totalKb = processes.reduce((sum, p) => sum + p.rssKb, 0);
    const totalPssKb = [...groups.values()].reduce((sum, g) => sum + g.pssKb, 0);
    // MailDev stands in for the SMTP relay a real deployment uses: part of what npm start runs (the verdict counts
    // it), not of what a deployment runs (printed apart).
    const withoutMailDevKb = totalKb - (groups.get(MAILDEV)?.rssKb ?? 0);
    const services = Object.fromEntries(serviceNames.map((name) => [name, mb(groups.get(name)?.rssKb ?? Number.NaN)]));
    const missing = serviceNames.filter((name) => !groups.has(name));
    if (missing.length > 0) throw new Error(`no process found for ${missing.join(', ')}: the bench cannot measure them`);

    printTable(
      `Resident memory at rest, ${settleSeconds} s after ready (load ${load()})`,
      [...groups.entries()]
        .sort(([, a], [, b]) => b.rssKb - a.rssKb)
        .map(([group, g]): Record<string, string | number> => ({
          process: group,
          count: g.processes,
          'RSS MB': mb(g.rssKb),
          'Pss MB': mb(g.pssKb),
          'limit MB': serviceNames.some((name) => name === group) ? SERVICE_LIMIT_MB : '',
        }))
        .concat([
          { process: 'whole stack', count: processes.length, 'RSS MB': mb(totalKb), 'Pss MB': mb(totalPssKb), 'limit MB': STACK_LIMIT_MB },
          { process: 'without MailDev', count: processes.length - (groups.get(MAILDEV)?.processes ?? 0), 'RSS MB': mb(withoutMailDevKb), 'Pss MB': '', 'limit MB': '' },
        ]),
    );
    const ratios = {
      ...Object.fromEntries(Object.entries(services).map(([name, value]) => [name, round(value / SERVICE_LIMIT_MB, 2)])),
      stack: round(mb(totalKb) / STACK_LIMIT_MB, 2),
    };
    const met = Object.values(services).every((value) => value <= SERVICE_LIMIT_MB) && mb(totalKb) <= STACK_LIMIT_MB;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'memory',
        settleSeconds,
        readySeconds,
        load: load(),
        figures: {
          servicesRssMb: services,
          groups: Object.fromEntries([...groups.entries()].map(([group, g]) => [group, { processes: g.processes, rssMb: mb(g.rssKb), pssMb: mb(g.pssKb) }])),
          stackRssMb: mb(totalKb),
          stackPssMb: mb(totalPssKb),
          stackWithoutMailDevRssMb: mb(withoutMailDevKb),
        },
        phases,
        targets: { serviceRssMb: SERVICE_LIMIT_MB, stackRssMb: STACK_LIMIT_MB },
        ratios,
        met,
      })}\n`,
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await gone;
    }
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench:memory] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
