import { RateLimitedError } from '@relais/platform';
import type { Principal } from './principal';
import { TokenBuckets, WriteRateLimiter } from './write-rate-limiter';

const agent: Principal = { subject: 'agent-1', clientId: 'relais-web', structureId: 's1', networkIds: [], department: '56', roles: ['agent'] };
const software: Principal = { subject: 'caf', clientId: 'caf', structureId: 's1', networkIds: [], department: '56', roles: ['integration'] };

describe('TokenBuckets', () => {
  it('grants the burst at once, then refills at the sustained rate', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 20, burst: 60 }, () => now);
    for (let i = 0; i < 60; i++) expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeCloseTo(1 / 20);
    now += 500; // half a second: ten tokens back
    for (let i = 0; i < 10; i++) expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeGreaterThan(0);
    expect(buckets.take('b')).toBe(0);
  });

  it('never holds more than the burst, however long the caller was quiet', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 10, burst: 5 }, () => now);
    buckets.take('a');
    now += 3_600_000;
    for (let i = 0; i < 5; i++) expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeGreaterThan(0);
  });

  it('forgets the buckets of callers that went quiet', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 10, burst: 5 }, () => now);
    for (let i = 0; i < 100; i++) buckets.take(`caller-${i}`);
    expect(buckets.size).toBe(100);
    now += 61_000;
    buckets.take('latest');
    expect(buckets.size).toBe(1);
  });
});

describe('WriteRateLimiter', () => {
  it('says how many whole seconds to wait, at least one', () => {
    let now = 0;
    const limiter = new WriteRateLimiter({ user: { perSecond: 1, burst: 1 }, client: { perSecond: 0.25, burst: 1 } }, () => now);
    limiter.check(agent, 'POST');
    expect(() => limiter.check(agent, 'POST')).toThrow(expect.objectContaining({ retryAfterSeconds: 1 }) as Error);
    limiter.check(software, 'PUT');
    const error = (() => {
      try {
        limiter.check(software, 'patch');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(4);
    now += 4_000;
    expect(() => limiter.check(software, 'PATCH')).not.toThrow();
  });

  it('lets reads through and turns a kind off with a rate of 0', () => {
    const limiter = new WriteRateLimiter({ user: { perSecond: 0, burst: 1 }, client: { perSecond: 1, burst: 1 } }, () => 0);
    for (let i = 0; i < 100; i++) limiter.check(agent, 'POST');
    limiter.check(software, 'POST');
    for (let i = 0; i < 100; i++) limiter.check(software, 'GET');
    expect(() => limiter.check(software, 'DELETE')).toThrow(RateLimitedError);
  });
});
