import { randomUUID } from 'node:crypto';

/**
 * The fault suite's load: referrals created and moved through the public API (the gateway) at a steady
 * rate, as agencies' software would, retrying what failed the way a client should (same Idempotency-Key
 * for a creation, after Retry-After or a short pause). It keeps the API's own record of what it accepted:
 * every 201's id and every transition answered 200; the checks compare the platform with that record.
 */

export interface Party {
  structureId: string;
  token: string;
  /** The service of this structure that receives referrals. */
  serviceId: string;
  /** A new token (client credentials again): a run outlives a token's lifetime. */
  renew(): Promise<void>;
}

export interface Accepted {
  referrals: Map<string, { sender: string; receiver: string }>;
  /** Transitions answered 200, as `referralId → statuses`. */
  transitions: Map<string, string[]>;
}

export interface LoadCounters {
  sent: number;
  /** Answers by status (or error name) that were not 2xx: faults make these, retries absorb them. */
  refusals: Record<string, number>;
  /** Creations given up after their retries ran out (none should, once the faults heal). */
  abandoned: number;
  /** Referrals not sent because the client's backlog of retrying ones was full. */
  skipped: number;
  /** Last time a creation got its 201 (performance.now()): heal times are read against it. */
  lastCreatedAt: number;
}

/** The moves of a referral's life the load drives, in order, by the receiving structure. */
export const LIFECYCLE: Array<{ status: string; extra?: Record<string, unknown> }> = [
  { status: 'received' },
  { status: 'accepted' },
  { status: 'in-progress' },
  { status: 'completed', extra: { outcome: { autonomyGained: 'partiel', nextStep: 'formation' } } },
];

/** How long a referral's life keeps retrying a call: longer than a supervised restart's worst case (90 s to be ready, twice). */
const RETRY_FOR_MS = 300_000;

export class ChaosLoad {
  readonly accepted: Accepted = { referrals: new Map(), transitions: new Map() };
  readonly counters: LoadCounters = { sent: 0, refusals: {}, abandoned: 0, skipped: 0, lastCreatedAt: 0 };
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly origin: string,
    private readonly parties: Party[],
    private readonly ratePerSecond: number,
  ) {
    if (parties.length < 2) throw new Error('the load needs at least two structures');
  }

  start(): void {
    this.loop = this.run();
  }

  /** Stops sending new referrals and waits for the ones under way to finish their lives (or give up). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.ratePerSecond;
    const started = performance.now();
    for (let index = 0; !this.stopped; index++) {
      const wait = started + index * interval - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.stopped) break;
      // A client's backlog is bounded: past ten seconds' worth of referrals still retrying, it stops taking
      // new ones (counted) rather than send an ever-growing crowd of retries at a platform that is healing.
      if (this.running.size >= this.ratePerSecond * 10) {
        this.counters.skipped += 1;
        continue;
      }
      // Every ordered pair of distinct structures in turn: the receiver is never the sender.
      const count = this.parties.length;
      const sender = this.parties[index % count];
      const receiver = this.parties[(index + 1 + (Math.floor(index / count) % (count - 1))) % count];
      const life = this.live(sender, receiver, index);
      this.running.add(life);
      void life.finally(() => this.running.delete(life));
    }
  }

  private async live(sender: Party, receiver: Party, index: number): Promise<void> {
    const key = randomUUID();
    // Built once: a retry sends the very same body with the same key (another body would be a 422).
    const body = {
      receivingServiceId: receiver.serviceId,
      person: { firstName: 'Prénom', lastName: `Chaos ${index}`, phone: '+33600000000', contactPreference: 'phone' },
      reason: 'Accompagnement aux démarches en ligne (suite de pannes)',
      needs: ['numerique--acceder-a-des-services-en-ligne'],
      urgency: 'normal',
      consent: { scope: ['contact', 'reason'], method: 'oral', obtainedAt: new Date(Date.now() - 60_000).toISOString() },
    };
    const created = await this.retrying(() => this.call('POST', '/api/referral/v1/referrals', sender, body, { 'idempotency-key': key }), 201, sender);
    const id = typeof created?.['id'] === 'string' ? created['id'] : undefined;
    if (!id) {
      this.counters.abandoned += 1;
      return;
    }
    this.counters.lastCreatedAt = performance.now();
    this.accepted.referrals.set(id, { sender: sender.structureId, receiver: receiver.structureId });
    const moves: string[] = [];
    this.accepted.transitions.set(id, moves);
    for (const move of LIFECYCLE) {
      // A move whose answer was lost in a fault may have been applied: its retry then gets 409, and the
      // move is not in the record (the checks only ask that every recorded move is there, once).
      const answer = await this.retrying(() => this.call('POST', `/api/referral/v1/referrals/${id}/transitions`, receiver, { status: move.status, ...move.extra }), 200, receiver);
      if (!answer) return;
      moves.push(move.status);
    }
  }

  /** Retries network errors, 5xx, 429 and 401 (a token verified while the IdP restarts) until `RETRY_FOR_MS`. */
  private async retrying(
    attempt: () => Promise<{ status: number; body: Record<string, unknown>; retryAfter: number }>,
    expected: number,
    caller: Party,
  ): Promise<Record<string, unknown> | undefined> {
    const deadline = performance.now() + RETRY_FOR_MS;
    // Exponential backoff with jitter, as a well-behaved client: a service that is down is not hammered by
    // every referral under way at once (that storm, not the fault, would then decide when it heals).
    for (let tries = 0; ; tries++) {
      let pause = Math.min(8_000, 500 * 2 ** tries) * (0.5 + Math.random());
      try {
        const { status, body, retryAfter } = await attempt();
        if (status === expected) return body;
        this.counters.refusals[String(status)] = (this.counters.refusals[String(status)] ?? 0) + 1;
        if (status < 500 && status !== 429 && status !== 401) return undefined;
        if (status === 401) await caller.renew().catch(() => undefined);
        pause = Math.max(pause, retryAfter * 1000);
      } catch (error) {
        const name = error instanceof Error && error.cause instanceof Error ? error.cause.message.split(' ')[0] ?? 'error' : 'error';
        this.counters.refusals[name] = (this.counters.refusals[name] ?? 0) + 1;
      }
      if (performance.now() + pause > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  private async call(method: string, path: string, caller: Party, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; retryAfter: number }> {
    this.counters.sent += 1;
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${caller.token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // A gateway's plain-text error: the status says enough.
    }
    return { status: response.status, body: parsed, retryAfter: Number(response.headers.get('retry-after') ?? 0) || 0 };
  }
}
