/**
 * Delays are kept as histograms so that percentiles over any period are sums of rows, never a scan of referrals
 * (ADR 0007). Bucket k holds durations up to 15 min × 2^(k/4): each bucket is 19 % wider than the one before, so a
 * percentile read from its bucket (the bucket's geometric middle) is within about 9 % of the exact one.
 */
const FIRST_BOUND_MINUTES = 15;
const STEPS_PER_DOUBLING = 4;
export const LAST_BUCKET = 120;

export function delayBucket(durationMs: number): number {
  const minutes = Math.max(0, durationMs) / 60_000;
  if (minutes <= FIRST_BOUND_MINUTES) return 0;
  return Math.min(LAST_BUCKET, Math.ceil(STEPS_PER_DOUBLING * Math.log2(minutes / FIRST_BOUND_MINUTES)));
}

/** Upper bound of a bucket, in minutes. */
export function bucketUpperMinutes(bucket: number): number {
  return FIRST_BOUND_MINUTES * 2 ** (bucket / STEPS_PER_DOUBLING);
}

/** The value a bucket stands for, in hours: the geometric middle of its bounds (half the first bound for bucket 0). */
export function bucketHours(bucket: number): number {
  if (bucket === 0) return FIRST_BOUND_MINUTES / 2 / 60;
  return Math.sqrt(bucketUpperMinutes(bucket - 1) * bucketUpperMinutes(bucket)) / 60;
}

/** The q-quantile (0 < q ≤ 1) of a histogram given as bucket → count, in hours; null when it is empty. */
export function quantileHours(histogram: ReadonlyMap<number, number>, q: number): number | null {
  const buckets = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (seen >= rank) return Math.round(bucketHours(bucket) * 10) / 10;
  }
  return null;
}
