import { Inject, Injectable } from '@nestjs/common';
import { callerKey, isClientCaller, type Principal } from '@relais/auth';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, idempotencyKeyInFlight, idempotencyKeyOf, idempotencyKeyReused, requestFingerprint } from '@relais/platform';
import type { ReferralConfig } from '../config';
import { REFERRAL_CONFIG } from '../shared/tokens';

export type Claim<R> = { kind: 'new'; complete(referralId: string, status: number, body: R): Promise<void> } | { kind: 'replay'; status: number; body: R };

interface StoredKey<R> {
  request_hash: string;
  response_status: number | null;
  response_body: R | null;
}

/**
 * `Idempotency-Key` for creations, by the platform's rule (`idempotency.ts` of @relais/platform, docs/integrators.md
 * "Retries"), stored in this service's `idempotency_keys`: the key is claimed in the creation's own transaction, so either the
 * referral and the remembered response commit together or neither does. A concurrent request with the
 * same key waits on the claim's row lock, then replays the committed response.
 *
 * Keys belong to their caller ({@link callerKey}): a client for client-credentials tokens, a user *and* the
 * structure it acts for otherwise. So two colleagues never replay each other's referral, and a person acting
 * for two structures never gets one structure's response as the other.
 */
@Injectable()
export class Idempotency {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
    @Inject(REFERRAL_CONFIG) private readonly config: ReferralConfig,
  ) {}

  async claim<R>(principal: Principal, key: string, body: unknown): Promise<Claim<R>> {
    idempotencyKeyOf(key); // a 400 unless the key follows the one rule
    const owner = callerKey(principal);
    const hash = requestFingerprint(body);
    const now = this.clock.now();
    const expiredBefore = new Date(now.getTime() - this.config.REFERRAL_IDEMPOTENCY_TTL_HOURS * 3_600_000);
    // One statement claims a new key, or takes back one past its time to live; a live key returns nothing.
    const inserted: Array<{ key: string }> = await this.txHost.tx.query(
      `INSERT INTO idempotency_keys (owner, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (owner, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at,
         referral_id = NULL, response_status = NULL, response_body = NULL
       WHERE idempotency_keys.created_at < $5
       RETURNING key`,
      [owner, key, hash, now, expiredBefore],
    );
    if (inserted.length === 1) {
      const earlier = await this.claimedBeforeScoping<R>(principal, key, owner, expiredBefore);
      if (earlier) return this.replay(earlier, hash);
      return {
        kind: 'new',
        complete: async (referralId, status, responseBody) => {
          await this.txHost.tx.query(
            `UPDATE idempotency_keys SET referral_id = $3, response_status = $4, response_body = $5::jsonb WHERE owner = $1 AND key = $2`,
            [owner, key, referralId, status, JSON.stringify(responseBody)],
          );
        },
      };
    }
    const rows: Array<StoredKey<R>> = await this.txHost.tx.query(
      `SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE owner = $1 AND key = $2`,
      [owner, key],
    );
    const existing = rows[0];
    if (!existing) throw idempotencyKeyInFlight();
    return this.replay(existing, hash);
  }

  private replay<R>(existing: StoredKey<R>, hash: string): Claim<R> {
    if (existing.response_status === null || existing.response_body === null) throw idempotencyKeyInFlight();
    if (existing.request_hash !== hash) throw idempotencyKeyReused('une nouvelle orientation');
    return { kind: 'replay', status: existing.response_status, body: existing.response_body };
  }

  /**
   * Keys remembered before they were scoped: a person's key was filed under `client:<client_id>` (the web
   * app's, shared by everyone who signs in through it) or `user:<sub>`. Such a key is this person's only if
   * the referral it created was sent by the same account for the same structure; then it moves under the
   * scoped owner (this transaction's fresh claim takes its response), so a retry across the upgrade replays
   * instead of creating a second referral. Client-credentials keys kept their owner. Once the service has run
   * one time-to-live past the upgrade, no such key remains and this finds nothing.
   */
  private async claimedBeforeScoping<R>(principal: Principal, key: string, owner: string, expiredBefore: Date): Promise<StoredKey<R> | undefined> {
    if (isClientCaller(principal)) return undefined;
    const formerOwners = [`user:${principal.subject}`, ...(principal.clientId ? [`client:${principal.clientId}`] : [])];
    const rows: Array<StoredKey<R> & { owner: string }> = await this.txHost.tx.query(
      `SELECT k.owner, k.request_hash, k.response_status, k.response_body
         FROM idempotency_keys k JOIN referrals r ON r.id = k.referral_id
        WHERE k.owner = ANY($1) AND k.key = $2 AND k.created_at >= $3 AND k.response_status IS NOT NULL
          AND r.sender_subject = $4 AND r.sending_structure_id IS NOT DISTINCT FROM $5::uuid
        LIMIT 1`,
      [formerOwners, key, expiredBefore, principal.subject, principal.structureId],
    );
    const earlier = rows[0];
    if (!earlier) return undefined;
    await this.txHost.tx.query(
      `UPDATE idempotency_keys fresh
          SET request_hash = old.request_hash, referral_id = old.referral_id, response_status = old.response_status,
              response_body = old.response_body, created_at = old.created_at
         FROM idempotency_keys old
        WHERE fresh.owner = $1 AND fresh.key = $3 AND old.owner = $2 AND old.key = $3`,
      [owner, earlier.owner, key],
    );
    await this.txHost.tx.query(`DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2`, [earlier.owner, key]);
    return earlier;
  }

  /** Forgets keys past their time to live as of `now`; returns how many (IdempotencyPurge runs it). */
  async purgeExpired(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.REFERRAL_IDEMPOTENCY_TTL_HOURS * 3_600_000);
    // TypeORM answers a DELETE with [rows, affected count].
    const [, deleted] = await this.txHost.tx.query<[unknown, number]>(`DELETE FROM idempotency_keys WHERE created_at < $1`, [before]);
    return deleted;
  }
}
