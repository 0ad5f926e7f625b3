/**
 * Admission control: past what a process can serve, a request is refused at once (503 with
 * `Retry-After`, admission-middleware.ts) instead of waiting in a queue that only grows. Three signals:
 *
 * - a concurrency limit: at most `maxConcurrent` requests are served at a time; the next ones wait in a
 *   short FIFO (`maxQueue` places, `maxWaitMs` at most) for a slot, and are refused when it is full or
 *   their wait runs out, so a refused caller learns it within a second, not after a minute;
 * - the event loop's lag: when timers run late by more than `maxEventLoopLagMs` while requests are
 *   in flight, the process is already behind (CPU shared, a long synchronous task), and new requests
 *   are refused without queueing;
 * - pressure signals of the process's own resources (the database pool's waiting clients,
 *   service-kit's pool-pressure.ts), each naming why it refuses.
 *
 * An idle process always admits one request (signals count only while something is in flight), so a
 * lone caller is never turned away by a lag it did not cause. Nothing here touches a transaction: a
 * refused request never began one, so every 201 already given stands.
 */

/** Where admission reads time and waits: the real timers, or a fake clock in tests. */
export interface AdmissionTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: AdmissionTimers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending wait or a lag probe never holds a process that is shutting down.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface AdmissionSettings {
  /** Requests served at once; 0 turns admission control off. */
  maxConcurrent: number;
  /** Requests that may wait for a slot. */
  maxQueue: number;
  /** How long a request may wait for a slot before it is refused. */
  maxWaitMs: number;
  /** Refuse new requests while the event loop lags more than this (0: not checked). */
  maxEventLoopLagMs: number;
  /** What `Retry-After` says, in seconds. */
  retryAfterSeconds: number;
}

/** The defaults (docs/operations.md, "Surcharge"): a few times the database pool, a wait well under a second. */
export const defaultAdmissionSettings: AdmissionSettings = {
  maxConcurrent: 32,
  maxQueue: 64,
  maxWaitMs: 500,
  maxEventLoopLagMs: 500,
  retryAfterSeconds: 1,
};

export type ShedReason = 'queue-full' | 'wait-exceeded' | 'event-loop-lag' | 'pool-wait';

export type AdmissionVerdict = { admitted: true; release: () => void } | { admitted: false; reason: ShedReason; retryAfterSeconds: number };

/** A resource's own pressure: the reason to refuse when over its limit, undefined otherwise. */
export type PressureSignal = () => ShedReason | undefined;

interface Waiter {
  deadline: number;
  timer: unknown;
  resolve: (verdict: AdmissionVerdict) => void;
}

export class Admission {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private readonly signals: PressureSignal[] = [];
  /** Counts per reason, read by the metrics (relais_http_shed_total). */
  readonly shed: Record<ShedReason, number> = { 'queue-full': 0, 'wait-exceeded': 0, 'event-loop-lag': 0, 'pool-wait': 0 };
  onShed: ((reason: ShedReason) => void) | undefined;

  constructor(
    readonly settings: AdmissionSettings,
    private readonly timers: AdmissionTimers = systemTimers,
    private readonly lag: () => number = () => 0,
  ) {}

  get enabled(): boolean {
    return this.settings.maxConcurrent > 0;
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  addSignal(signal: PressureSignal): void {
    this.signals.push(signal);
  }

  /**
   * Admits now, after a short wait for a slot, or refuses. An admitted request must call `release`
   * once done (extra calls are ignored), which hands its slot to the oldest waiter.
   */
  admit(): AdmissionVerdict | Promise<AdmissionVerdict> {
    if (!this.enabled) return { admitted: true, release: () => undefined };
    if (this.active > 0) {
      const { maxEventLoopLagMs } = this.settings;
      if (maxEventLoopLagMs > 0 && this.lag() > maxEventLoopLagMs) return this.refuse('event-loop-lag');
      for (const signal of this.signals) {
        const reason = signal();
        if (reason) return this.refuse(reason);
      }
    }
    if (this.active < this.settings.maxConcurrent && this.waiting.length === 0) return this.grant();
    if (this.waiting.length >= this.settings.maxQueue || this.settings.maxWaitMs <= 0) return this.refuse('queue-full');
    return new Promise<AdmissionVerdict>((resolve) => {
      const waiter: Waiter = { deadline: this.timers.now() + this.settings.maxWaitMs, timer: undefined, resolve };
      waiter.timer = this.timers.setTimeout(() => {
        const index = this.waiting.indexOf(waiter);
        if (index < 0) return;
        this.waiting.splice(index, 1);
        resolve(this.refuse('wait-exceeded'));
      }, this.settings.maxWaitMs);
      this.waiting.push(waiter);
    });
  }

  private grant(): AdmissionVerdict {
    this.active += 1;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.active -= 1;
        this.handOver();
      },
    };
  }

  /** Gives freed slots to the oldest waiters whose deadline has not passed (a late timer may not have fired yet). */
  private handOver(): void {
    while (this.active < this.settings.maxConcurrent && this.waiting.length > 0) {
      const waiter = this.waiting.shift() as Waiter;
      this.timers.clearTimeout(waiter.timer);
      if (this.timers.now() > waiter.deadline) {
        waiter.resolve(this.refuse('wait-exceeded'));
        continue;
      }
      waiter.resolve(this.grant());
    }
  }

  private refuse(reason: ShedReason): AdmissionVerdict {
    this.shed[reason] += 1;
    this.onShed?.(reason);
    return { admitted: false, reason, retryAfterSeconds: this.settings.retryAfterSeconds };
  }
}

/**
 * How late the event loop runs: a probe scheduled every `intervalMs` notes by how much it fired after
 * its time, and the figure is the mean of the last `window` probes. A mean rather than the last probe:
 * one stall (a garbage collection, a first compilation) should not refuse requests, a loop that stays
 * behind should.
 */
export class EventLoopLag {
  private readonly samples: number[] = [];
  private expected = 0;
  private handle: unknown;
  private running = false;

  constructor(
    private readonly timers: AdmissionTimers = systemTimers,
    private readonly intervalMs = 50,
    private readonly window = 8,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.timers.clearTimeout(this.handle);
  }

  current(): number {
    return this.samples.length === 0 ? 0 : this.samples.reduce((sum, sample) => sum + sample, 0) / this.samples.length;
  }

  private schedule(): void {
    this.expected = this.timers.now() + this.intervalMs;
    this.handle = this.timers.setTimeout(() => {
      this.samples.push(Math.max(0, this.timers.now() - this.expected));
      if (this.samples.length > this.window) this.samples.shift();
      if (this.running) this.schedule();
    }, this.intervalMs);
  }
}
