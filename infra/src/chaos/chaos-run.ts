import { serviceNames } from '../service-processes';
import { check, settle, type ChaosVerdict, type DatabaseUrl } from './chaos-checks';
import { faultTargets, freeze, killHard, pidOf, type FaultTarget } from './chaos-faults';
import { ChaosLoad, type Party } from './chaos-load';

export interface ChaosOptions {
  /** The gateway, as clients reach it. */
  origin: string;
  stateDir: string;
  databaseUrl: DatabaseUrl;
  parties: Party[];
  ratePerSecond: number;
  /** Steady load before the first fault and between two faults (after the previous one healed). */
  steadySeconds: number;
  /** Which of faultTargets() to kill, in order; all by default. */
  only?: string[];
  /** How long the broker stays down in the `kafka-down` fault (60 s by default). */
  brokerDownMs?: number;
  healTimeoutMs?: number;
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface FaultResult {
  fault: string;
  killedPid: number;
  /** When the kill -9 (or the outage) began, wall clock. */
  at: string;
  /** Seconds from kill -9 (or the start of the outage) until it answered ready again and a creation got its 201 again. */
  healSeconds: number | null;
  /** Refused or failed calls during the fault and its healing, by status (retried by the load). */
  refusals: Record<string, number>;
}

export interface ChaosReport {
  ratePerSecond: number;
  faults: FaultResult[];
  sent: number;
  abandoned: number;
  /** Referrals the load did not send while its backlog of retrying ones was full (during a fault). */
  skipped: number;
  settleSeconds: number;
  verdict: ChaosVerdict;
  /** 0 lost, 0 applied twice, nothing stuck, every creation finished. */
  passed: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The fault suite: a steady load through the public API while each service, the broker and PostgreSQL
 * is killed with SIGKILL in turn (npm start's supervision brings it back); then, the load stopped and the
 * platform settled, the checks of chaos-checks.ts against what the API accepted.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  // Past supervision's own patience (90 s for a restart to be ready, then another attempt).
  const healTimeoutMs = options.healTimeoutMs ?? 300_000;
  const load = new ChaosLoad(options.origin, options.parties, options.ratePerSecond);
  const targets = faultTargets(options.stateDir, options.brokerDownMs).filter((target) => !options.only || options.only.includes(target.name));
  const faults: FaultResult[] = [];
  load.start();
  try {
    await sleep(options.steadySeconds * 1000);
    for (const target of targets) {
      const before = { ...load.counters.refusals };
      const killedAt = performance.now();
      const at = new Date().toISOString();
      let healedAt: number | null;
      let killedPid: number;
      if (target.frozenForMs !== undefined) {
        log(`chaos: ${target.name}, the broker frozen for ${target.frozenForMs / 1000} s\n`);
        killedPid = await freeze(target, target.frozenForMs);
        // Healed once a creation succeeds after the broker came back (creations never needed it: the outbox holds their events).
        const back = performance.now();
        healedAt = await healed(options.origin, target, undefined, back, load, healTimeoutMs);
      } else {
        killedPid = killHard(target);
        log(`chaos: kill -9 ${target.name} (pid ${killedPid})\n`);
        healedAt = await healed(options.origin, target, killedPid, killedAt, load, healTimeoutMs);
      }
      const refusals = Object.fromEntries(
        Object.entries(load.counters.refusals)
          .map(([what, n]) => [what, n - (before[what] ?? 0)] as const)
          .filter(([, n]) => n > 0),
      );
      const result: FaultResult = { fault: target.name, killedPid, at, healSeconds: healedAt === null ? null : round((healedAt - killedAt) / 1000), refusals };
      faults.push(result);
      log(`${JSON.stringify({ chaos: 'fault', ratePerSecond: options.ratePerSecond, ...result })}\n`);
      if (healedAt === null) break;
      await sleep(options.steadySeconds * 1000);
    }
  } finally {
    log('chaos: load stopping (referrals under way finish their lives)…\n');
    await load.stop();
  }
  log('chaos: waiting for the platform to settle…\n');
  const settleMs = await settle(options.databaseUrl, options.settleTimeoutMs ?? 180_000, load.accepted);
  const notificationKills = faults.filter((fault) => fault.fault === 'notification').map((fault) => new Date(fault.at));
  const verdict = await check(load.accepted, options.databaseUrl, `${options.stateDir}/mail`, notificationKills);
  const passed =
    faults.every((fault) => fault.healSeconds !== null) &&
    faults.length === targets.length &&
    load.counters.abandoned === 0 &&
    verdict.referralsLost === 0 &&
    verdict.transitionsLost === 0 &&
    verdict.transitionsApplied2x === 0 &&
    verdict.emailsResentBeyondAllowance === 0 &&
    Object.values(verdict.outboxUnsent).every((n) => n === 0) &&
    Object.values(verdict.eventsNotConsumed).every((n) => n === 0);
  return { ratePerSecond: options.ratePerSecond, faults, sent: load.counters.sent, abandoned: load.counters.abandoned, skipped: load.counters.skipped, settleSeconds: round(settleMs / 1000), verdict, passed };
}

/** When the killed process is back (a new pid, ready through the gateway) and a creation succeeded since the kill; null past the timeout. */
async function healed(origin: string, target: FaultTarget, killedPid: number | undefined, since: number, load: ChaosLoad, timeoutMs: number): Promise<number | null> {
  const services = serviceNames.includes(target.name as (typeof serviceNames)[number]) ? [target.name] : [...serviceNames];
  for (;;) {
    if (performance.now() - since > timeoutMs) return null;
    const pid = pidOf(target);
    if (pid !== undefined && pid !== killedPid && load.counters.lastCreatedAt > since) {
      // The identity provider is back when it answers through the gateway (tokens issued before it died kept working meanwhile).
      const probes = target.name === 'identity' ? ['/auth/.well-known/openid-configuration'] : services.map((service) => `/api/${service}/health/ready`);
      const ready = await Promise.all(
        probes.map((path) =>
          fetch(`${origin}${path}`, { signal: AbortSignal.timeout(5_000) }).then(
            (response) => response.status === 200,
            () => false,
          ),
        ),
      );
      if (ready.every(Boolean)) return performance.now();
    }
    await sleep(250);
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function printChaosReport(report: ChaosReport, write: (line: string) => void): void {
  const rows = report.faults.map((fault) => [fault.fault, String(fault.killedPid), fault.healSeconds === null ? 'NOT HEALED' : `${fault.healSeconds} s`, Object.entries(fault.refusals).map(([what, n]) => `${what}×${n}`).join(' ') || '-']);
  const header = ['fault (kill -9)', 'pid', 'healed in', 'refused/failed calls meanwhile (retried)'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  write(`\nFaults under ${report.ratePerSecond} referrals/s\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) write(`${line(row)}\n`);
  const v = report.verdict;
  write(
    `\nAfter settling (${report.settleSeconds} s): ${v.referralsAccepted} referrals accepted, ${v.referralsLost} lost; ` +
      `${v.transitionsAccepted} transitions accepted, ${v.transitionsLost} lost, ${v.transitionsApplied2x} applied twice; ` +
      `${v.emails} emails, ${v.emailsDuplicated} sent twice (${v.emailsResentBeyondAllowance} beyond one per kill of notification); outbox unsent ${JSON.stringify(v.outboxUnsent)}; ` +
      `events not consumed ${JSON.stringify(v.eventsNotConsumed)}; ${report.abandoned} creations abandoned, ${report.skipped} not sent (client backlog full), ${report.sent} calls — ${report.passed ? 'PASSED' : 'FAILED'}\n`,
  );
  write(`${JSON.stringify({ chaos: 'summary', ...report })}\n`);
}
