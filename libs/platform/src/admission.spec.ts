import { Admission, EventLoopLag, type AdmissionSettings, type AdmissionTimers, type AdmissionVerdict } from './admission';

/** A clock that moves only when told to, firing the timers that fall due on the way. */
class FakeTimers implements AdmissionTimers {
  private current = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.current + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward; timers due fire in order, each seeing the time it was due (a loop on time). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, timer]) => timer.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.current = Math.max(this.current, due[1].at);
      due[1].callback();
    }
    this.current = target;
  }

  /** Moves time forward without firing anything: the event loop was blocked meanwhile. */
  stall(ms: number): void {
    this.current += ms;
  }

  get scheduled(): number {
    return this.pending.size;
  }
}

const settings = (overrides: Partial<AdmissionSettings> = {}): AdmissionSettings => ({
  maxConcurrent: 2,
  maxQueue: 2,
  maxWaitMs: 500,
  maxEventLoopLagMs: 200,
  retryAfterSeconds: 1,
  ...overrides,
});

function admitted(verdict: AdmissionVerdict | Promise<AdmissionVerdict>): Extract<AdmissionVerdict, { admitted: true }> {
  if (verdict instanceof Promise || !verdict.admitted) throw new Error(`expected an immediate admission, got ${JSON.stringify(verdict)}`);
  return verdict;
}

/** Settles pending promise callbacks (the fake clock fires timers synchronously, their resolutions run after). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Admission', () => {
  it('admits up to the concurrency limit at once, then queues, then refuses with the queue full', () => {
    const timers = new FakeTimers();
    const admission = new Admission(settings(), timers);
    admitted(admission.admit());
    admitted(admission.admit());
    const third = admission.admit();
    const fourth = admission.admit();
    expect(third).toBeInstanceOf(Promise);
    expect(fourth).toBeInstanceOf(Promise);
    expect(admission.admit()).toEqual({ admitted: false, reason: 'queue-full', retryAfterSeconds: 1 });
    expect(admission.inFlight).toBe(2);
    expect(admission.queued).toBe(2);
    expect(admission.shed['queue-full']).toBe(1);
  });

  it('hands a freed slot to the oldest waiter, first in first out', async () => {
    const timers = new FakeTimers();
    const admission = new Admission(settings(), timers);
    const first = admitted(admission.admit());
    admitted(admission.admit());
    const order: string[] = [];
    const third = Promise.resolve(admission.admit()).then((verdict) => {
      order.push('third');
      return verdict;
    });
    const fourth = Promise.resolve(admission.admit()).then((verdict) => {
      order.push('fourth');
      return verdict;
    });
    timers.advance(100);
    first.release();
    first.release(); // a second release frees nothing more
    await settled();
    expect(order).toEqual(['third']);
    expect((await third).admitted).toBe(true);
    expect(admission.inFlight).toBe(2);
    expect(admission.queued).toBe(1);
    timers.advance(400); // the fourth has now waited its 500 ms
    await settled();
    expect(await fourth).toEqual({ admitted: false, reason: 'wait-exceeded', retryAfterSeconds: 1 });
    expect(order).toEqual(['third', 'fourth']);
    expect(admission.queued).toBe(0);
  });

  it('refuses a waiter whose deadline passed before its timer could fire (the loop was blocked)', async () => {
    const timers = new FakeTimers();
    const admission = new Admission(settings({ maxConcurrent: 1 }), timers);
    const first = admitted(admission.admit());
    const waiting = admission.admit();
    timers.stall(900);
    first.release();
    expect(await waiting).toMatchObject({ admitted: false, reason: 'wait-exceeded' });
    expect(admission.inFlight).toBe(0);
    expect(timers.scheduled).toBe(0);
  });

  it('sheds on event-loop lag only while requests are in flight, so an idle process always serves one', () => {
    const timers = new FakeTimers();
    let lag = 0;
    const admission = new Admission(settings({ maxConcurrent: 10 }), timers, () => lag);
    lag = 1_000;
    const lone = admitted(admission.admit());
    expect(admission.admit()).toEqual({ admitted: false, reason: 'event-loop-lag', retryAfterSeconds: 1 });
    lag = 150;
    admitted(admission.admit());
    lone.release();
    expect(admission.shed['event-loop-lag']).toBe(1);
  });

  it('consults pressure signals (the pool) the same way, naming their reason', () => {
    const timers = new FakeTimers();
    const admission = new Admission(settings({ maxConcurrent: 10 }), timers);
    let poolWaiting = 50;
    admission.addSignal(() => (poolWaiting > 20 ? 'pool-wait' : undefined));
    const reasons: string[] = [];
    admission.onShed = (reason) => reasons.push(reason);
    admitted(admission.admit());
    expect(admission.admit()).toMatchObject({ admitted: false, reason: 'pool-wait' });
    poolWaiting = 3;
    admitted(admission.admit());
    expect(reasons).toEqual(['pool-wait']);
  });

  it('does not queue at all when the wait is 0, and admits everything when turned off', () => {
    const timers = new FakeTimers();
    const noWait = new Admission(settings({ maxConcurrent: 1, maxWaitMs: 0 }), timers);
    admitted(noWait.admit());
    expect(noWait.admit()).toMatchObject({ admitted: false, reason: 'queue-full' });
    const off = new Admission(settings({ maxConcurrent: 0 }), timers, () => 10_000);
    for (let i = 0; i < 100; i++) admitted(off.admit());
    expect(off.enabled).toBe(false);
  });

  it('lets a refused request through once load falls, with nothing left waiting or scheduled', async () => {
    const timers = new FakeTimers();
    const admission = new Admission(settings(), timers);
    const served = [admitted(admission.admit()), admitted(admission.admit())];
    const waiters = [admission.admit(), admission.admit()].map((verdict) => Promise.resolve(verdict));
    expect(admission.admit()).toMatchObject({ admitted: false });
    for (const verdict of served) verdict.release();
    const granted = await Promise.all(waiters);
    for (const verdict of granted) if (verdict.admitted) verdict.release();
    expect(granted.every((verdict) => verdict.admitted)).toBe(true);
    expect(admission.inFlight).toBe(0);
    expect(timers.scheduled).toBe(0);
    admitted(admission.admit());
  });
});

describe('EventLoopLag', () => {
  it('is the mean lateness of its last probes: one stall weighs little, a loop that stays behind counts', () => {
    const timers = new FakeTimers();
    const lag = new EventLoopLag(timers, 50, 4);
    lag.start();
    timers.advance(200);
    expect(lag.current()).toBe(0);
    timers.stall(400); // the loop was blocked: the probe due at 250 fires at 600
    timers.advance(0);
    expect(lag.current()).toBe(350 / 4);
    for (let i = 0; i < 4; i++) timers.advance(50); // four probes on time push the stall out of the window
    expect(lag.current()).toBe(0);
    for (let i = 0; i < 4; i++) {
      timers.stall(300); // the loop blocked 300 ms at a time: each probe fires 250 ms late
      timers.advance(0);
    }
    expect(lag.current()).toBe(250);
    lag.stop();
    expect(timers.scheduled).toBe(0);
  });
});
