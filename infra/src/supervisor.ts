import { setTimeout as sleep } from 'node:timers/promises';

/** One run of a supervised process: resolves `exited` with how it ended (e.g. `signal SIGKILL`), once. */
export interface Incarnation {
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface SupervisionPolicy {
  /** Restarts allowed within `windowMs` before giving up: a process that keeps crashing has a cause a restart will not fix. */
  maxRestarts: number;
  windowMs: number;
  /** Delay before the n-th restart of the window (1-based). */
  backoffMs(restart: number): number;
}

/** 1, 2, 4, 8, 16 s: the first restart is quick (a kill -9, an OOM), the later ones leave a failing dependency time to come back. */
export const defaultSupervisionPolicy: SupervisionPolicy = {
  maxRestarts: 5,
  windowMs: 5 * 60_000,
  backoffMs: (restart) => Math.min(1000 * 2 ** (restart - 1), 30_000),
};

export interface Supervised {
  /** Restarts so far (every one, not only those of the current window). */
  restarts(): number;
  /** Stops the current incarnation and any pending restart. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Keeps a process running: when an incarnation exits without being asked to, starts another after a backoff,
 * saying so through `log`; after `maxRestarts` crashes within `windowMs`, gives up and says why (`onGiveUp`).
 * A start that fails counts as a crash of its own. The first incarnation is the caller's (already started and
 * checked), so a process that cannot start at all fails the caller's start rather than being retried.
 */
export function supervise(
  label: string,
  first: Incarnation,
  restart: () => Promise<Incarnation>,
  options: { log: (message: string) => void; policy?: SupervisionPolicy; onGiveUp?: (reason: string) => void },
): Supervised {
  const policy = options.policy ?? defaultSupervisionPolicy;
  const stopping = new AbortController();
  const crashes: number[] = [];
  let current: Incarnation | undefined = first;
  let pendingRestart: Promise<Incarnation> | undefined;
  let restarts = 0;

  const watch = (incarnation: Incarnation): void => {
    void incarnation.exited.then((how) => {
      if (stopping.signal.aborted || current !== incarnation) return;
      current = undefined;
      return recover(how);
    });
  };

  const recover = async (how: string): Promise<void> => {
    for (;;) {
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && (crashes[0] ?? now) < now - policy.windowMs) crashes.shift();
      if (crashes.length > policy.maxRestarts) {
        const reason = `${label} s’est arrêté ${crashes.length} fois en ${Math.round((now - (crashes[0] ?? now)) / 1000)} s (dernière fois : ${how}) : abandon, il reste arrêté`;
        options.log(reason);
        options.onGiveUp?.(reason);
        return;
      }
      const delay = policy.backoffMs(crashes.length);
      options.log(`${label} s’est arrêté (${how}) : redémarrage dans ${delay / 1000} s (${crashes.length}/${policy.maxRestarts})`);
      try {
        await sleep(delay, undefined, { signal: stopping.signal });
      } catch {
        return; // stopped meanwhile
      }
      const started = Date.now();
      try {
        pendingRestart = restart();
        const incarnation = await pendingRestart;
        current = incarnation;
        if (stopping.signal.aborted) return; // stop() stops it
        restarts += 1;
        options.log(`${label} redémarré (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        watch(incarnation);
        return;
      } catch (error) {
        if (stopping.signal.aborted) return;
        how = `redémarrage en échec : ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      }
    }
  };

  watch(first);
  let stopped: Promise<void> | undefined;
  return {
    restarts: () => restarts,
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort();
        await pendingRestart?.catch(() => undefined);
        await current?.stop();
      })()),
  };
}
