import { bucketHours, bucketUpperMinutes, delayBucket, quantileHours } from './delay-histogram';

describe('delay histograms', () => {
  it('puts every duration in the bucket whose bounds hold it', () => {
    for (const minutes of [0, 1, 15, 16, 60, 61, 90, 24 * 60, 3 * 24 * 60 + 7, 45 * 24 * 60]) {
      const bucket = delayBucket(minutes * 60_000);
      expect(minutes).toBeLessThanOrEqual(bucketUpperMinutes(bucket) + 1e-9);
      if (bucket > 0) expect(minutes).toBeGreaterThan(bucketUpperMinutes(bucket - 1));
    }
  });

  it('reads a percentile within 10 % of the exact one', () => {
    const durationsHours = Array.from({ length: 1000 }, (_, i) => 0.5 + ((i * 7919) % 1000) / 10);
    const histogram = new Map<number, number>();
    for (const hours of durationsHours) {
      const bucket = delayBucket(hours * 3_600_000);
      histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
    }
    const sorted = [...durationsHours].sort((a, b) => a - b);
    for (const q of [0.5, 0.9]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1] ?? 0;
      const read = quantileHours(histogram, q) ?? 0;
      expect(Math.abs(read - exact) / exact).toBeLessThan(0.1);
    }
  });

  it('has no percentile for an empty histogram, and a small one for very short delays', () => {
    expect(quantileHours(new Map(), 0.5)).toBeNull();
    expect(bucketHours(0)).toBeLessThan(0.25);
  });
});
