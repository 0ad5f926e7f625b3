import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';

/*
 * A service gives back the memory it no longer uses. V8 collects garbage, but keeps the emptied pages of a heap
 * that has grown mapped and resident until its memory reducer runs, and a service at rest, whose periodic jobs
 * and consumers still allocate a little, may not trigger it for minutes: bench:memory measured 100–150 MB per
 * service kept that way (bench/README.md). Starting leaves the most (some 2 400 modules, the OpenAPI document,
 * reference data such as every commune of France in the diagnostic); catching up (the directory's copies) and
 * an afternoon of requests leave more.
 *
 * `gc` exists only in a process started with `--expose-gc` (infra/src/service-processes.ts, deploy/Dockerfile);
 * elsewhere (tests, a one-off command) these do nothing.
 */

/**
 * A full collection that also releases the emptied pages ("last resort"): 0.3–0.6 s for a 50 MB heap on the
 * shared 2-core machine at load 18, a fraction of that on a quiet one; run only before the port opens or at rest.
 */
const LAST_RESORT: NodeJS.GCOptions = { type: 'major', execution: 'sync', flavor: 'last-resort' };

/** Once, before the port opens: what starting used. */
export function releaseStartupMemory(): void {
  globalThis.gc?.(LAST_RESORT);
}

/** How often the process looks whether it is at rest: a service is measured at rest 20 s after the platform is ready. */
const IDLE_CHECK_MS = 5_000;
/**
 * At rest: the event loop was busy less than this share of the last interval (1–2 % measured at rest on the
 * shared machine at load 18; a service taking 100 referrals/s is far above it).
 */
const IDLE_UTILIZATION = 0.1;
/** And the heap has grown at least this much since the last collection: an idle process is not collected twice. */
const MIN_GROWTH_BYTES = 16 * 1024 * 1024;

/** What the idle check reads and does; the process's own by default, fakes in the unit test. */
export interface IdleReleaseProbe {
  /** The share of the event loop's time spent busy since the previous call. */
  busyShare: () => number;
  heapBytes: () => number;
  collect: () => void;
}

function processProbe(gc: NonNullable<typeof globalThis.gc>): IdleReleaseProbe {
  let since = performance.eventLoopUtilization();
  return {
    busyShare: () => {
      const now = performance.eventLoopUtilization();
      const share = performance.eventLoopUtilization(now, since).utilization;
      since = now;
      return share;
    },
    heapBytes: () => getHeapStatistics().total_heap_size,
    collect: () => gc(LAST_RESORT),
  };
}

/**
 * While the process serves: when it has been at rest for an interval and its heap has grown since the last time,
 * one collection gives the memory back. Under load the event loop is busy and this never runs: it costs the
 * traffic nothing, and V8 manages the heap as usual. Returns the function that stops it.
 */
export function releaseMemoryWhenIdle(probe?: IdleReleaseProbe): () => void {
  const source = probe ?? (globalThis.gc ? processProbe(globalThis.gc) : undefined);
  if (!source) return () => undefined;
  const { busyShare, heapBytes, collect } = source;
  let heapAfterLast = heapBytes();
  const timer = setInterval(() => {
    const atRest = busyShare() < IDLE_UTILIZATION;
    if (!atRest || heapBytes() - heapAfterLast < MIN_GROWTH_BYTES) return;
    collect();
    heapAfterLast = heapBytes();
    // The collection's own time is not the traffic's.
    busyShare();
  }, IDLE_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
