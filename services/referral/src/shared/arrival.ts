import { setTimeout as sleep } from 'node:timers/promises';

/** How long a referral waits for what another service's event is still bringing (a link, an assessment). */
const ARRIVAL_WAIT_MS = 2_000;
const ARRIVAL_POLL_MS = 50;

/**
 * Waits until `arrived()` says yes, or ARRIVAL_WAIT_MS have passed. An agent orients right after the
 * diagnostic, often before its event reached this service. Called before the creation's transaction, so a
 * wait never holds a pooled connection; and everything unknown waits as long, so the delay tells nothing
 * about whether a reference exists.
 */
export async function awaitArrival(arrived: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ARRIVAL_WAIT_MS;
  for (;;) {
    if ((await arrived()) || Date.now() >= deadline) return;
    await sleep(ARRIVAL_POLL_MS);
  }
}
