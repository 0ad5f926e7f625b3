import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { parseVerifyKeys, verifyActionLink, type ActionLinkClaims, type Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, DomainError, NotFoundError } from '@relais/platform';
import type { ReferralConfig } from '../config';
import { isEndState } from '../referral-model/referral-lifecycle';
import type { TransitionResult } from '../referral-model/referral-mover';
import { ReferralTransitionEntity } from '../referral-model/referral-transition.entity';
import { ReferralEntity } from '../referral-model/referral.entity';
import { reasonCodesFor } from '../referrals/reason-codes';
import type { TransitionDto } from '../referrals/referral-moves.dto';
import { ReferralMoves } from '../referrals/referral-moves';
import { ReferralReads } from '../referrals/referral-reads';
import { REFERRAL_CONFIG } from '../shared/tokens';
import type { ActionLinkView } from './action-link.dto';

/** What any unusable link answers: never which check failed, so a guess learns nothing. */
const unusable = (): DomainError =>
  new DomainError('not-found', 'Ce lien d’action n’est pas (ou plus) valable : ouvrez l’orientation depuis votre espace de travail, ou demandez un nouveau lien.');

/**
 * Acting on one referral from an email, without an account (DORA's magic link). The token is signed by
 * the notification service; here it is checked (signature, expiry), then what only this service knows:
 * the referral still exists and is still received by the link's structure, the link was not revoked.
 * The link then stands for that structure's agents on that referral only — its reads and moves go
 * through the same code as theirs (consent, lifecycle, audit), as a caller named `action-link:<id>`,
 * and each use is written to the append-only `action_link_use`.
 */
@Injectable()
export class ActionLinks {
  private readonly keys: Map<string, KeyObject> | null;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly reads: ReferralReads,
    private readonly moves: ReferralMoves,
    private readonly clock: Clock,
    @Inject(REFERRAL_CONFIG) config: ReferralConfig,
  ) {
    this.keys = config.ACTION_LINK_VERIFY_KEYS ? parseVerifyKeys(config.ACTION_LINK_VERIFY_KEYS) : null;
  }

  @Transactional()
  async view(token: string): Promise<ActionLinkView> {
    const { claims, referral } = await this.open(token);
    await this.recordUse(claims, 'read', null);
    const base = { expiresAt: new Date(claims.exp * 1000).toISOString(), referralId: claims.rid, structureId: claims.sid, reasonCodes: linkReasonCodes() };
    if (isEndState(referral.status)) {
      // What happened, without the person: the link's work is over, and with it the need to see them.
      const last = await this.txHost.tx.getRepository(ReferralTransitionEntity).findOne({ where: { referralId: referral.id }, order: { id: 'DESC' } });
      return {
        ...base,
        state: 'closed',
        referral: null,
        outcome: {
          status: referral.status,
          at: (last?.at ?? referral.statusChangedAt).toISOString(),
          by: last?.actorParty ?? 'system',
          reasonCode: last?.reasonCode ?? null,
          redirectedToReferralId: last?.redirectedToReferralId ?? null,
        },
        allowedTransitions: [],
      };
    }
    const detail = await this.reads.get(linkPrincipal(claims), referral.id);
    return { ...base, state: 'open', referral: detail, outcome: null, allowedTransitions: detail.allowedTransitions };
  }

  @Transactional()
  async transition(token: string, dto: TransitionDto): Promise<TransitionResult> {
    const { claims } = await this.open(token);
    const result = await this.moves.transition(linkPrincipal(claims), claims.rid, dto);
    await this.recordUse(claims, 'transition', dto.status);
    return result;
  }

  /** Revokes this one link (its holder no longer wants it to work: forwarded by mistake, mailbox shared…). */
  @Transactional()
  async revoke(token: string): Promise<void> {
    const { claims } = await this.open(token);
    await this.txHost.tx.query(
      `INSERT INTO action_link_revocation (referral_id, jti, issued_before, revoked_by, at) VALUES ($1, $2, $3, $4, $3)`,
      [claims.rid, claims.jti, this.clock.now(), `action-link:${claims.jti}`],
    );
    await this.recordUse(claims, 'revoke', null);
  }

  /** Revokes every link of a referral issued so far, for one of its two structures' agents (anyone else: 404). */
  @Transactional()
  async revokeAll(principal: Principal, referralId: string): Promise<void> {
    // The same access rule as reading it: the two structures' agents and integrations.
    const referral = await this.txHost.tx.getRepository(ReferralEntity).findOne({ where: { id: referralId } });
    const party = referral && principal.structureId !== null && [referral.sendingStructureId, referral.receivingStructureId].includes(principal.structureId);
    if (!referral || !party || !(principal.roles.includes('agent') || principal.roles.includes('integration'))) throw new NotFoundError('Orientation');
    await this.txHost.tx.query(`INSERT INTO action_link_revocation (referral_id, jti, issued_before, revoked_by, at) VALUES ($1, NULL, $2, $3, $2)`, [
      referralId,
      this.clock.now(),
      principal.subject,
    ]);
  }

  private async open(token: string): Promise<{ claims: ActionLinkClaims; referral: ReferralEntity }> {
    if (!this.keys) throw unusable();
    const check = verifyActionLink(this.keys, token, Math.floor(this.clock.now().getTime() / 1000));
    if (!check.ok) throw unusable();
    const { claims } = check;
    const referral = await this.txHost.tx.getRepository(ReferralEntity).findOne({ where: { id: claims.rid } });
    if (!referral || referral.receivingStructureId !== claims.sid) throw unusable();
    const revoked = await this.txHost.tx.query<unknown[]>(
      `SELECT 1 FROM action_link_revocation WHERE referral_id = $1 AND (jti = $2 OR (jti IS NULL AND issued_before >= to_timestamp($3)))`,
      [claims.rid, claims.jti, claims.iat],
    );
    if (revoked.length > 0) throw unusable();
    return { claims, referral };
  }

  private async recordUse(claims: ActionLinkClaims, action: 'read' | 'transition' | 'revoke', status: string | null): Promise<void> {
    await this.txHost.tx.query(`INSERT INTO action_link_use (at, jti, referral_id, structure_id, action, status) VALUES ($1, $2, $3, $4, $5, $6)`, [
      this.clock.now(),
      claims.jti,
      claims.rid,
      claims.sid,
      action,
      status,
    ]);
  }
}

/** The caller a link stands for: an agent of the receiving structure, on this referral only (the service checks the id). */
export function linkPrincipal(claims: ActionLinkClaims): Principal {
  return { subject: `action-link:${claims.jti}`, clientId: null, structureId: claims.sid, networkIds: [], department: null, roles: ['agent'] };
}

function linkReasonCodes(): ActionLinkView['reasonCodes'] {
  return {
    rejected: [...reasonCodesFor('rejected')],
    redirected: [...reasonCodesFor('redirected')],
    failed: [...reasonCodesFor('failed')],
    'on-hold': [...reasonCodesFor('on-hold')],
  };
}
