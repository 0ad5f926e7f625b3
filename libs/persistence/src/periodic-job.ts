import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import type { AdvisoryLockKey } from './advisory-locks';

/** What a periodic chore is; the module that owns the chore's table declares it (PeriodicJobs.define). */
export interface PeriodicJobDefinition<R> {
  /** `<owner>.<chore>`, as the logs and docs/architecture.md name it. */
  name: string;
  /** Pause between the end of one round and the start of the next; 0: no rounds of its own, only runOnce. */
  intervalMs: number;
  /** Pause between the start of the process and the first round. */
  firstDelayMs: number;
  /**
   * Key from the registry (advisory-locks.ts) that makes one replica do a round while the others skip it;
   * null when every replica works at once because the work claims its own rows (FOR UPDATE SKIP LOCKED).
   */
  lock: AdvisoryLockKey | null;
  /**
   * true: the round runs in one transaction, which also holds the lock (a crash releases both). false:
   * the round opens its own transactions (a large backlog should not become one long transaction); the
   * lock is then held by a transaction of its own, on a connection of its own, for the round's time.
   */
  transactional: boolean;
  /** The service's clock when it has one that tests move; the wall clock otherwise. */
  clock?: () => Date;
  /** One round. A chore that works in chunks checks `stopping` between them, so shutdown need not wait for a backlog. */
  run(now: Date, stopping: AbortSignal): Promise<R>;
}

/** A round either ran (with what the chore reports) or was skipped because another replica held the lock. */
export type JobRound<R> = { ran: true; result: R } | { ran: false };

/** How a round takes its lock: PostgreSQL in a service (PostgresJobLocks), a fake in unit tests. */
export interface JobLocks {
  exclusive<R>(lock: AdvisoryLockKey | null, transactional: boolean, work: () => Promise<R>): Promise<JobRound<R>>;
}

/** Timers, replaceable so a unit test fires rounds itself instead of waiting for them. */
export interface JobTimers {
  /** Calls back once after the delay; returns what cancels it. */
  schedule(callback: () => void, delayMs: number): () => void;
}

export const nodeTimers: JobTimers = {
  schedule(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    // A pending round never keeps a process alive that is otherwise done.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/**
 * One periodic chore: rounds one after another (never two at once in a process), each under the chore's
 * advisory lock. A failed round is logged and the next one comes as scheduled; a round in flight
 * finishes before stop() returns. Started and stopped by PeriodicJobs, with the application.
 */
export class PeriodicJob<R = unknown> {
  private readonly logger: Logger;
  private cancelTimer: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopping = new AbortController();
  /** A wake() during a round: the next round follows at this delay rather than after the interval. */
  private wokenDelayMs: number | undefined;
  /**
   * Runs a function in the async context the job was defined in (at boot). A timer inherits the context
   * it is set in, and wake() is called from a consumer's transaction: a round started there would find
   * that transaction (committed since, its connection released) as the current one, and fail with
   * "query runner was already released", leaving what it had claimed to its lease.
   */
  private readonly inJobContext = AsyncLocalStorage.snapshot();

  constructor(
    readonly definition: PeriodicJobDefinition<R>,
    private readonly locks: JobLocks,
    private readonly timers: JobTimers = nodeTimers,
  ) {
    this.logger = new Logger(`PeriodicJob ${definition.name}`);
  }

  get name(): string {
    return this.definition.name;
  }

  /** Whether rounds come on their own (started, with an interval, not stopped). */
  get scheduled(): boolean {
    return this.started;
  }

  /**
   * One round now, under the lock, whether or not the job is started: what tests and commands call.
   * Errors reach the caller (only the job's own rounds log and carry on).
   */
  runOnce(now: Date = this.now()): Promise<JobRound<R>> {
    const stopping = this.stopping.signal;
    return this.locks.exclusive(this.definition.lock, this.definition.transactional, () => this.definition.run(now, stopping));
  }

  /** Rounds from now on: the first after `firstDelayMs`. A job without an interval only runs on demand. */
  start(): void {
    if (this.started || this.definition.intervalMs <= 0) return;
    this.started = true;
    this.stopping = new AbortController();
    this.schedule(this.definition.firstDelayMs);
  }

  /** A round soon (new work was recorded), without waiting for the interval; nothing if not started. */
  wake(delayMs = 0): void {
    if (!this.started) return;
    if (this.running) {
      this.wokenDelayMs = Math.min(delayMs, this.wokenDelayMs ?? delayMs);
      return;
    }
    this.schedule(delayMs);
  }

  /** No more rounds; waits for the one in flight. */
  async stop(): Promise<void> {
    this.started = false;
    this.stopping.abort();
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    this.cancelTimer?.();
    this.cancelTimer = this.timers.schedule(() => this.inJobContext(() => this.round()), delayMs);
  }

  private round(): void {
    this.cancelTimer = undefined;
    this.running = this.runOnce()
      .then(
        () => undefined,
        // The message only: a driver's detail could quote row values, and the logs must hold no personal data.
        (error: unknown) => this.logger.error(`round failed, the next one comes as scheduled: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.running = undefined;
        const next = this.wokenDelayMs ?? this.definition.intervalMs;
        this.wokenDelayMs = undefined;
        this.schedule(next);
      });
  }

  private now(): Date {
    return this.definition.clock ? this.definition.clock() : new Date();
  }
}
