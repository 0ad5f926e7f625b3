import { RateLimitedError } from '@relais/platform';
import { callerKey, isClientCaller, type Principal } from './principal';

export interface RateLimit {
  /** Tokens added per second: the sustained rate. 0 turns the limit off. */
  perSecond: number;
  /** Bucket size: how many writes may arrive at once after a quiet spell. */
  burst: number;
}

export interface WriteRateLimits {
  /** People, through the web workspace (a user token: sub + structure). */
  user: RateLimit;
  /** Software, through client credentials (agencies' integrations, scripts). */
  client: RateLimit;
}

/** Mirrors the defaults of serviceConfigSchema, for callers that build AuthModule options by hand. */
export const defaultWriteRateLimits: WriteRateLimits = {
  user: { perSecond: 200, burst: 400 },
  client: { perSecond: 500, burst: 1000 },
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Idle callers' buckets are forgotten once they would be full again, checked at most this often. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * A token bucket per key: `burst` tokens at most, refilled continuously at `perSecond`. Time is read at
 * each take (no timer), so a bucket costs nothing while its caller is quiet, and is dropped at the next sweep.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastSweep = now();
  }

  /** Takes one token: 0 when granted, otherwise the seconds until one is available (nothing is taken). */
  take(key: string): number {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.limit.perSecond;
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    const refillMs = (this.limit.burst / this.limit.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at >= refillMs) this.buckets.delete(key);
    }
  }
}

/**
 * Limits authenticated writes (POST, PUT, PATCH, DELETE) per caller, in this process. Reads are not
 * limited here: they change nothing and the inbox pollers of the web workspace read often. Each replica
 * keeps its own buckets, so N replicas behind a balancer allow up to N times the rate: the limit guards a
 * process against one runaway caller, not a quota (that would need a shared store).
 */
export class WriteRateLimiter {
  private readonly users: TokenBuckets | undefined;
  private readonly clients: TokenBuckets | undefined;

  constructor(limits: WriteRateLimits, now?: () => number) {
    this.users = limits.user.perSecond > 0 ? new TokenBuckets(limits.user, now) : undefined;
    this.clients = limits.client.perSecond > 0 ? new TokenBuckets(limits.client, now) : undefined;
  }

  /** Throws RateLimitedError (429, Retry-After) when the caller has spent its writes. */
  check(principal: Principal, method: string): void {
    if (!WRITE_METHODS.has(method.toUpperCase())) return;
    const buckets = isClientCaller(principal) ? this.clients : this.users;
    if (!buckets) return;
    const waitSeconds = buckets.take(callerKey(principal));
    if (waitSeconds > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitSeconds)));
  }
}
