import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';

/**
 * Read grants follow the referral service's consent: a referral that carries an assessment with consent
 * to share it (`scope` includes `assessment`) lets the receiving structure read that assessment, until
 * the consent expires or is revoked. An erased person leaves no assessment behind.
 */
@Injectable()
export class ReferralConsentHandlers {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent('fr.relais.referral.referral.requested.v1')
  async onReferralRequested(referral: EventPayload<'fr.relais.referral.referral.requested.v1'>): Promise<void> {
    if (referral.assessmentId === null || !referral.consent.scope.includes('assessment')) return;
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

  @HandlesEvent('fr.relais.referral.referral.person-erased.v1')
  async onPersonErased(erasure: EventPayload<'fr.relais.referral.referral.person-erased.v1'>): Promise<void> {
    const tx = this.txHost.tx;
    const erased = await tx.query<Array<{ assessment_id: string }>>(`DELETE FROM assessment WHERE person_ref = $1 RETURNING assessment_id`, [erasure.personRef]);
    const ids = erased.map((row) => row.assessment_id);
    if (ids.length === 0) return;
    await tx.query(`DELETE FROM assessment_consent WHERE assessment_id = ANY($1::uuid[])`, [ids]);
    await tx.query(`DELETE FROM assessment_grant WHERE assessment_id = ANY($1::uuid[])`, [ids]);
  }
}
