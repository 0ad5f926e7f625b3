import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries an assertion until it passes or the time runs out, then throws its last failure:
 * for effects that arrive asynchronously (a consumer, a relay), without fixed sleeps.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
