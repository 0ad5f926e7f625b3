/**
 * A sleep that a signal can cut short. A signal that arrives while nobody waits is remembered, so a
 * NOTIFY received during a send still causes one more pass instead of waiting for the poll.
 */
export class Wakeup {
  private pending = false;
  private release: (() => void) | undefined;

  signal(): void {
    this.pending = true;
    this.release?.();
  }

  /** Resolves after `ms`, or at once on a signal (a pending one included). */
  async wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.release = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.release = done;
    });
    this.pending = false;
  }
}

/** Sleeps `ms` unless the signal aborts first; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
    function finish(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    }
  });
}
