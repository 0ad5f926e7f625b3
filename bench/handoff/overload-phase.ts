/**
 * bench:handoff's overload phase (issue 16, item 3): how the referral service behaves past what it can
 * serve. Three steps against the running service:
 *
 * 1. creation capacity: closed-loop creations at a fixed concurrency, the rate it sustains;
 * 2. overload: twice that rate, open loop (sends are scheduled, not chained), for `durationS`; each
 *    answer is accepted (201), shed (503 or 429, both with Retry-After) or an error (anything else);
 * 3. recovery: back to half the capacity, one-second windows until a window's creation p99 is back
 *    within twice the p99 measured at the same rate before the overload.
 *
 * Then every 201 of the overload must be a referral in its receiver's inbox: "lost" counts the ones
 * that are not (must be 0).
 */
import { atFixedRate, percentile, round, summarize, type LatencySummary } from '../shared/stats';

/** One creation as the phase needs it: the HTTP status, the id when 201, whether Retry-After came with a refusal. */
export type SendCreation = (index: number) => Promise<{ status: number; id?: string; receiverStructureId: string; retryAfter: string | null }>;

export interface OverloadReport {
  capacityPerSecond: number;
  overloadRatePerSecond: number;
  durationS: number;
  sent: number;
  accepted: number;
  shed503: number;
  shed429: number;
  shedWithoutRetryAfter: number;
  errors: Record<string, number>;
  acceptedLatency: LatencySummary;
  shedLatency: LatencySummary;
  /** 201s whose referral is not in the receiver's inbox afterwards. */
  lost: number;
  baselineP99Ms: number;
  /** Seconds after the overload until a one-second window's p99 is back within twice the baseline; null if not within the probe. */
  recoverySeconds: number | null;
  recoveryWindows: Array<{ second: number; p99: number; count: number }>;
}

export interface OverloadOptions {
  send: SendCreation;
  /** The referrals among `ids` stored for their receiver (the inbox reads them from there). */
  inInbox: (accepted: Array<{ id: string; receiverStructureId: string }>) => Promise<Set<string>>;
  durationS: number;
  capacityStepS: number;
  capacityConcurrency: number;
  recoveryMaxS: number;
  log: (line: string) => void;
}

export async function overloadPhase(options: OverloadOptions): Promise<OverloadReport> {
  const { send, log } = options;
  let index = 1_000_000;

  // 1. Capacity: closed loop, the rate of 201s it sustains.
  log(`overload: creation capacity, ${options.capacityConcurrency} closed loops for ${options.capacityStepS} s…\n`);
  let created = 0;
  const deadline = performance.now() + options.capacityStepS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.capacityConcurrency }, async () => {
      while (performance.now() < deadline) {
        const outcome = await send(index++).catch(() => ({ status: 0 }));
        if (outcome.status === 201) created += 1;
      }
    }),
  );
  const capacity = created / ((performance.now() - started) / 1000);
  const probeRate = Math.max(1, capacity / 2);

  // Baseline: the p99 at the probe rate, before any overload.
  const baselineSamples: number[] = [];
  await atFixedRate(probeRate, 5_000, async () => {
    const sentAt = performance.now();
    const outcome = await send(index++).catch(() => ({ status: 0 }));
    if (outcome.status === 201) baselineSamples.push(performance.now() - sentAt);
  });
  const baselineP99 = percentile([...baselineSamples].sort((a, b) => a - b), 99);

  // 2. Twice the capacity, open loop.
  const rate = Math.max(2, capacity * 2);
  log(`overload: ${round(rate, 1)} creations/s (twice the ${round(capacity, 1)}/s sustained) for ${options.durationS} s…\n`);
  const accepted: Array<{ id: string; receiverStructureId: string }> = [];
  const acceptedLatency: number[] = [];
  const shedLatency: number[] = [];
  const errors: Record<string, number> = {};
  let shed503 = 0;
  let shed429 = 0;
  let shedWithoutRetryAfter = 0;
  let sent = 0;
  await atFixedRate(rate, options.durationS * 1000, async () => {
    sent += 1;
    const sentAt = performance.now();
    try {
      const outcome = await send(index++);
      const took = performance.now() - sentAt;
      if (outcome.status === 201 && outcome.id) {
        accepted.push({ id: outcome.id, receiverStructureId: outcome.receiverStructureId });
        acceptedLatency.push(took);
      } else if (outcome.status === 503 || outcome.status === 429) {
        if (outcome.status === 503) shed503 += 1;
        else shed429 += 1;
        if (!outcome.retryAfter) shedWithoutRetryAfter += 1;
        shedLatency.push(took);
      } else {
        errors[String(outcome.status)] = (errors[String(outcome.status)] ?? 0) + 1;
      }
    } catch (error) {
      const name = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      errors[name] = (errors[name] ?? 0) + 1;
    }
  });

  // 3. Recovery: the probe rate again, until a window's p99 is back within twice the baseline.
  log(`overload: recovery at ${round(probeRate, 1)}/s, one-second windows, up to ${options.recoveryMaxS} s…\n`);
  const recoveryWindows: OverloadReport['recoveryWindows'] = [];
  let recoverySeconds: number | null = null;
  for (let second = 1; second <= options.recoveryMaxS && recoverySeconds === null; second++) {
    const samples: number[] = [];
    await atFixedRate(probeRate, 1_000, async () => {
      const sentAt = performance.now();
      const outcome = await send(index++).catch(() => ({ status: 0 }));
      if (outcome.status === 201) samples.push(performance.now() - sentAt);
    });
    const p99 = percentile([...samples].sort((a, b) => a - b), 99);
    recoveryWindows.push({ second, p99: round(p99), count: samples.length });
    if (samples.length > 0 && p99 <= 2 * baselineP99) recoverySeconds = second;
  }

  const found = await options.inInbox(accepted);
  return {
    capacityPerSecond: round(capacity, 2),
    overloadRatePerSecond: round(rate, 2),
    durationS: options.durationS,
    sent,
    accepted: accepted.length,
    shed503,
    shed429,
    shedWithoutRetryAfter,
    errors,
    acceptedLatency: summarize(acceptedLatency),
    shedLatency: summarize(shedLatency),
    lost: accepted.filter((referral) => !found.has(referral.id)).length,
    baselineP99Ms: round(baselineP99),
    recoverySeconds,
    recoveryWindows,
  };
}
