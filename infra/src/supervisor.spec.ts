import { eventually } from '@relais/testing';
import { supervise, type Incarnation, type SupervisionPolicy } from './supervisor';

/** A process stand-in: `crash()` ends it as a kill -9 would; `stopped` tells whether stop() was called. */
function fakeProcess(): Incarnation & { crash(): void; stopped: boolean } {
  let end: (how: string) => void = () => undefined;
  const exited = new Promise<string>((resolve) => (end = resolve));
  const fake = {
    exited,
    stopped: false,
    crash: () => end('signal SIGKILL'),
    stop: () => {
      fake.stopped = true;
      end('stopped');
      return Promise.resolve();
    },
  };
  return fake;
}

const quick: SupervisionPolicy = { maxRestarts: 2, windowMs: 60_000, backoffMs: () => 1 };
/** Lets pending promise callbacks run: what follows a stop() or an exit that needs no timer. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('supervise', () => {
  it('starts a crashed process again, saying so, and stops the one running at the end', async () => {
    const log: string[] = [];
    const first = fakeProcess();
    const started: Array<ReturnType<typeof fakeProcess>> = [];
    const supervised = supervise('le service referral', first, () => {
      const next = fakeProcess();
      started.push(next);
      return Promise.resolve(next);
    }, { log: (message) => log.push(message), policy: quick });

    first.crash();
    await eventually(() => expect(supervised.restarts()).toBe(1));
    expect(started).toHaveLength(1);
    expect(log[0]).toBe('le service referral s’est arrêté (signal SIGKILL) : redémarrage dans 0.001 s (1/2)');
    expect(log[1]).toMatch(/^le service referral redémarré/);

    await supervised.stop();
    expect(started[0]?.stopped).toBe(true);
    expect(first.stopped).toBe(false);
  });

  it('gives up after maxRestarts crashes within the window, and says why', async () => {
    const log: string[] = [];
    const reasons: string[] = [];
    const first = fakeProcess();
    const started: Array<ReturnType<typeof fakeProcess>> = [];
    supervise('Kafka', first, () => {
      const next = fakeProcess();
      started.push(next);
      return Promise.resolve(next);
    }, { log: (message) => log.push(message), policy: quick, onGiveUp: (reason) => reasons.push(reason) });

    first.crash();
    await eventually(() => expect(started).toHaveLength(1));
    started[0]?.crash();
    await eventually(() => expect(started).toHaveLength(2));
    started[1]?.crash();
    await eventually(() => expect(reasons).toHaveLength(1));
    expect(started).toHaveLength(2);
    expect(reasons[0]).toMatch(/^Kafka s’est arrêté 3 fois en \d+ s \(dernière fois : signal SIGKILL\) : abandon, il reste arrêté$/);
  });

  it('counts a restart that fails as a crash, and tries again', async () => {
    const log: string[] = [];
    const first = fakeProcess();
    let attempts = 0;
    supervise('PostgreSQL', first, () => {
      attempts += 1;
      return attempts === 1 ? Promise.reject(new Error('port 5432 is already in use')) : Promise.resolve(fakeProcess());
    }, { log: (message) => log.push(message), policy: quick });

    first.crash();
    await eventually(() => expect(log.at(-1)).toMatch(/^PostgreSQL redémarré/));
    expect(attempts).toBe(2);
    expect(log).toContain('PostgreSQL s’est arrêté (redémarrage en échec : port 5432 is already in use) : redémarrage dans 0.001 s (2/2)');
    expect(log.at(-1)).toMatch(/^PostgreSQL redémarré/);
  });

  it('does not restart a process it was asked to stop', async () => {
    const first = fakeProcess();
    let restarts = 0;
    const supervised = supervise('le service directory', first, () => {
      restarts += 1;
      return Promise.resolve(fakeProcess());
    }, { log: () => undefined, policy: quick });
    await supervised.stop();
    await flush();
    expect(first.stopped).toBe(true);
    expect(restarts).toBe(0);
  });
});
