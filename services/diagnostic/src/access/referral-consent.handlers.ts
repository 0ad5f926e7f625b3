import { Injectable, Logger } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { grantRefusal, type GrantFacts } from './grant-policy';

type ReferralRequested = EventPayload<'fr.relais.referral.referral.requested.v1'>;

/**
 * Read grants follow the referral service's consent: a referral that carries an assessment with consent
 * to share it (`scope` includes `assessment`) lets the receiving structure read that assessment, until
 * the consent expires or is revoked. The event is not taken at its word: the grant is given only when
 * the sender could share the assessment (see grant-policy.ts), so a forged or replayed event cannot
 * widen access; a refused grant is logged as a warning, without the person.
 *
 * Erasure is handled once, for the whole person (person-erasure.ts), not per referral.
 */
@Injectable()
export class ReferralConsentHandlers {
  private readonly logger = new Logger(ReferralConsentHandlers.name);

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent('fr.relais.referral.referral.requested.v1')
  async onReferralRequested(referral: ReferralRequested): Promise<void> {
    if (referral.assessmentId === null || !referral.consent.scope.includes('assessment')) return;
    const facts = await this.factsOf(referral, referral.assessmentId);
    const refusal = grantRefusal(referral, facts);
    if (refusal !== null) {
      this.logger.warn(
        { referralId: referral.referralId, assessmentId: referral.assessmentId, sendingStructureId: referral.sendingStructureId, reason: refusal },
        'assessment not shared: the referral’s sender may not share it',
      );
      return;
    }
    await this.txHost.tx.query(
      `INSERT INTO assessment_grant (referral_id, assessment_id, structure_id, granted_at, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (referral_id, assessment_id) DO NOTHING`,
      [referral.referralId, referral.assessmentId, referral.receivingStructureId, referral.at, referral.consent.expiresAt],
    );
  }

  @HandlesEvent('fr.relais.referral.referral.consent-revoked.v1')
  async onConsentRevoked(revocation: EventPayload<'fr.relais.referral.referral.consent-revoked.v1'>): Promise<void> {
    await this.txHost.tx.query(`UPDATE assessment_grant SET revoked_at = $2 WHERE referral_id = $1 AND revoked_at IS NULL`, [revocation.referralId, revocation.at]);
  }

  private async factsOf(referral: ReferralRequested, assessmentId: string): Promise<GrantFacts | null> {
    const rows: Array<{ person_ref: string; structure_id: string; sender_holds_grant: boolean }> = await this.txHost.tx.query(
      `SELECT a.person_ref, a.structure_id,
              EXISTS (SELECT 1 FROM assessment_grant g
                       WHERE g.assessment_id = a.assessment_id AND g.structure_id = $2 AND g.revoked_at IS NULL
                         AND (g.expires_at IS NULL OR g.expires_at > $3)) AS sender_holds_grant
         FROM assessment a WHERE a.assessment_id = $1`,
      [assessmentId, referral.sendingStructureId, referral.at],
    );
    const row = rows[0];
    return row ? { personRef: row.person_ref, structureId: row.structure_id, senderHoldsGrant: row.sender_holds_grant } : null;
  }
}
