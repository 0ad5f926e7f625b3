import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import type { AdvisoryLockKey } from './advisory-locks';
import { advisoryLocks } from './advisory-locks';
import { PeriodicJob, type JobLocks, type JobRound, type JobTimers, type PeriodicJobDefinition } from './periodic-job';
import { PeriodicJobs } from './periodic-jobs';

/** Locks held by "another replica" when listed in `heldElsewhere`; records what each round asked for. */
class FakeLocks implements JobLocks {
  readonly heldElsewhere = new Set<AdvisoryLockKey>();
  readonly asked: Array<{ lock: AdvisoryLockKey | null; transactional: boolean }> = [];

  async exclusive<R>(lock: AdvisoryLockKey | null, transactional: boolean, work: () => Promise<R>): Promise<JobRound<R>> {
    this.asked.push({ lock, transactional });
    if (lock !== null && this.heldElsewhere.has(lock)) return { ran: false };
    return { ran: true, result: await work() };
  }
}

/** Timers the test fires itself: no waiting, no timing assertions. */
class FakeTimers implements JobTimers {
  pending: { callback: () => void; delayMs: number } | undefined;

  schedule(callback: () => void, delayMs: number): () => void {
    const entry = { callback, delayMs };
    this.pending = entry;
    return () => {
      if (this.pending === entry) this.pending = undefined;
    };
  }

  /** Fires the pending round and lets it settle. */
  async fire(): Promise<void> {
    const entry = this.pending;
    if (!entry) throw new Error('no round is scheduled');
    this.pending = undefined;
    entry.callback();
    // The round's promise chain settles within a few microtask turns.
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  }
}

function definition(run: PeriodicJobDefinition<number>['run'], overrides: Partial<PeriodicJobDefinition<number>> = {}): PeriodicJobDefinition<number> {
  return {
    name: 'test.chore',
    intervalMs: 60_000,
    firstDelayMs: 5_000,
    lock: advisoryLocks.referralSlaSweep,
    transactional: true,
    run,
    ...overrides,
  };
}

describe('PeriodicJob', () => {
  let locks: FakeLocks;
  let timers: FakeTimers;

  beforeEach(() => {
    locks = new FakeLocks();
    timers = new FakeTimers();
  });

  afterEach(() => jest.restoreAllMocks());

  it('runs one round on demand under its lock, with the time it is given, and reports the result', async () => {
    const seen: Date[] = [];
    const job = new PeriodicJob(definition((now) => Promise.resolve((seen.push(now), 3))), locks, timers);
    const at = new Date('2026-11-20T08:00:00Z');

    expect(await job.runOnce(at)).toEqual({ ran: true, result: 3 });
    expect(seen).toEqual([at]);
    expect(locks.asked).toEqual([{ lock: advisoryLocks.referralSlaSweep, transactional: true }]);
  });

  it('takes the time from the clock it was given when none is passed', async () => {
    const at = new Date('2026-12-01T00:00:00Z');
    const seen: Date[] = [];
    const job = new PeriodicJob(definition((now) => Promise.resolve((seen.push(now), 0)), { clock: () => at }), locks, timers);
    await job.runOnce();
    expect(seen).toEqual([at]);
  });

  it('skips the round, without running the chore, while another replica holds the lock', async () => {
    const run = jest.fn(() => Promise.resolve(1));
    locks.heldElsewhere.add(advisoryLocks.referralSlaSweep);
    const job = new PeriodicJob(definition(run), locks, timers);

    expect(await job.runOnce()).toEqual({ ran: false });
    expect(run).not.toHaveBeenCalled();
  });

  it('first waits the first delay, then the interval between rounds', async () => {
    const run = jest.fn(() => Promise.resolve(1));
    const job = new PeriodicJob(definition(run), locks, timers);
    job.start();
    expect(timers.pending?.delayMs).toBe(5_000);
    await timers.fire();
    expect(run).toHaveBeenCalledTimes(1);
    expect(timers.pending?.delayMs).toBe(60_000);
    await timers.fire();
    expect(run).toHaveBeenCalledTimes(2);
    await job.stop();
  });

  it('logs a failed round and carries on with the next one', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const run = jest.fn<Promise<number>, [Date]>().mockRejectedValueOnce(new Error('connection reset')).mockResolvedValue(2);
    const job = new PeriodicJob(definition(run), locks, timers);
    job.start();

    await timers.fire();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('connection reset'));
    expect(timers.pending?.delayMs).toBe(60_000);
    await timers.fire();
    expect(run).toHaveBeenCalledTimes(2);
    await job.stop();
  });

  it('runs a round woken from inside a caller’s context (a transaction) in its own context, with real timers', async () => {
    const context = new AsyncLocalStorage<string>();
    let seen: string | undefined = 'not run';
    let ran: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (ran = resolve));
    const job = new PeriodicJob(
      definition(() => {
        seen = context.getStore();
        ran();
        return Promise.resolve(1);
      }, { firstDelayMs: 3_600_000 }),
      locks,
    );
    job.start();
    context.run('consumer transaction', () => job.wake(0));
    await done;
    expect(seen).toBeUndefined();
    await job.stop();
  });

  it('lets a caller wake it for a round soon, also when woken during a round', async () => {
    let finish: (value: number) => void = () => undefined;
    const job = new PeriodicJob(definition(() => new Promise<number>((resolve) => (finish = resolve))), locks, timers);
    job.start();
    job.wake(50);
    expect(timers.pending?.delayMs).toBe(50);

    await timers.fire();
    // Woken while the round runs: the next one follows at once instead of after the interval.
    job.wake(0);
    expect(timers.pending).toBeUndefined();
    finish(1);
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
    expect(timers.pending?.delayMs).toBe(0);
    await job.stop();
  });

  it('tells the round in flight it is stopping, waits for it, and schedules none after it', async () => {
    let finish: (value: number) => void = () => undefined;
    let finished = false;
    let stopping: AbortSignal | undefined;
    const job = new PeriodicJob(
      definition((_now, signal) => ((stopping = signal), new Promise<number>((resolve) => (finish = resolve)))),
      locks,
      timers,
    );
    job.start();
    await timers.fire();
    expect(stopping?.aborted).toBe(false);

    const stopped = job.stop().then(() => (finished = true));
    await Promise.resolve();
    expect(stopping?.aborted).toBe(true);
    expect(finished).toBe(false);
    finish(1);
    await stopped;
    expect(finished).toBe(true);
    expect(timers.pending).toBeUndefined();
    expect(job.scheduled).toBe(false);
  });

  it('has no rounds of its own without an interval: only on demand', async () => {
    const job = new PeriodicJob(definition(() => Promise.resolve(1), { intervalMs: 0 }), locks, timers);
    job.start();
    job.wake();
    expect(timers.pending).toBeUndefined();
    expect(await job.runOnce()).toEqual({ ran: true, result: 1 });
  });
});

describe('PeriodicJobs', () => {
  it('starts the jobs with the application in a process that runs workers, and stops them before shutdown', async () => {
    const timers = new FakeTimers();
    const jobs = new PeriodicJobs(new FakeLocks(), 'consumers');
    const job = jobs.define(definition(() => Promise.resolve(1)), timers);
    expect(job.scheduled).toBe(false);
    jobs.onApplicationBootstrap();
    expect(job.scheduled).toBe(true);
    expect(timers.pending?.delayMs).toBe(5_000);
    await jobs.beforeApplicationShutdown();
    expect(job.scheduled).toBe(false);
    expect(timers.pending).toBeUndefined();
  });

  it('starts none in an API-only process, where they still run on demand', async () => {
    const timers = new FakeTimers();
    const jobs = new PeriodicJobs(new FakeLocks(), 'api');
    const job = jobs.define(definition(() => Promise.resolve(1)), timers);
    jobs.onApplicationBootstrap();
    expect(job.scheduled).toBe(false);
    expect(timers.pending).toBeUndefined();
    expect(await job.runOnce()).toEqual({ ran: true, result: 1 });
  });

  it('starts a job defined after the application started', () => {
    const timers = new FakeTimers();
    const jobs = new PeriodicJobs(new FakeLocks());
    jobs.onApplicationBootstrap();
    const job = jobs.define(definition(() => Promise.resolve(1)), timers);
    expect(job.scheduled).toBe(true);
    return jobs.beforeApplicationShutdown();
  });

  it('refuses two jobs of the same name', () => {
    const jobs = new PeriodicJobs(new FakeLocks());
    jobs.define(definition(() => Promise.resolve(1)));
    expect(() => jobs.define(definition(() => Promise.resolve(2)))).toThrow('test.chore');
  });
});
