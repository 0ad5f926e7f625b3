import { Injectable } from '@nestjs/common';
import { hasRole, type Principal } from '@relais/auth';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, NotFoundError } from '@relais/platform';
import { In } from 'typeorm';
import { AssessmentCopies } from '../assessments/assessment-copies';
import { AuditLog } from '../audit/audit-log';
import { actorRole, eventParties } from '../referral-model/referral-events';
import { ReferralTransitionEntity } from '../referral-model/referral-transition.entity';
import { ReferralEntity } from '../referral-model/referral.entity';
import { PersonRegistry } from './person-registry';
import { PersonVault } from '@relais/privacy';

export interface ErasureResult {
  personReference: string;
  referralsErased: number;
  erasedAt: string;
}

/**
 * The right to erasure. The person's key is deleted (crypto-shredding: every sealed field, in the
 * database and in any backup, becomes unreadable), the sealed columns are cleared, remembered request
 * fingerprints are forgotten. Referral rows, statuses and dates stay, pseudonymous, so counts hold.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly vault: PersonVault,
    private readonly publisher: EventPublisher,
    private readonly audit: AuditLog,
    private readonly persons: PersonRegistry,
    private readonly assessments: AssessmentCopies,
    private readonly clock: Clock,
  ) {}

  @Transactional()
  async erase(principal: Principal, personRef: string): Promise<ErasureResult> {
    const persons: Array<{ reference: string }> = await this.txHost.tx.query(
      `SELECT reference FROM persons WHERE reference = $1 AND erased_at IS NULL FOR UPDATE`,
      [personRef],
    );
    // The département's DPO (admin), or a structure linked to the person: it registered them, sent or
    // received one of their referrals, or ran their diagnostic. Anyone else learns nothing.
    const structureId = principal.structureId !== null && hasRole(principal, 'agent', 'integration') ? principal.structureId : null;
    const allowed = hasRole(principal, 'admin') || (structureId !== null && (await this.persons.isLinked(personRef, structureId)));
    if (!persons[0] || !allowed) throw new NotFoundError('Personne');
    const repository = this.txHost.tx.getRepository(ReferralEntity);
    const referrals = await repository.find({ where: { personRef }, lock: { mode: 'pessimistic_write' }, order: { createdAt: 'ASC' } });
    const now = this.clock.now();
    await this.vault.destroy(personRef);
    await this.txHost.tx.query(`UPDATE persons SET details_sealed = NULL, contact_preference = NULL, erased_at = $2 WHERE reference = $1`, [personRef, now]);
    await this.txHost.tx.query(`DELETE FROM person_links WHERE person_ref = $1`, [personRef]);
    await this.assessments.eraseOf(personRef);
    const ids = referrals.map((referral) => referral.id);
    if (ids.length > 0) {
      await this.txHost.tx.query(
        `UPDATE referrals SET person_sealed = NULL, reason_sealed = NULL, outcome_summary_sealed = NULL,
                              person_erased_at = COALESCE(person_erased_at, $2)
         WHERE person_ref = $1`,
        [personRef, now],
      );
      await this.txHost.tx.getRepository(ReferralTransitionEntity).update({ referralId: In(ids) }, { commentSealed: null });
      await this.txHost.tx.query(`DELETE FROM idempotency_keys WHERE referral_id = ANY($1::uuid[])`, [ids]);
    }
    await this.txHost.tx.query(`INSERT INTO person_erasures (person_ref, referral_count, actor_subject, erased_at) VALUES ($1, $2, $3, $4)`, [
      personRef,
      referrals.length,
      principal.subject,
      now,
    ]);
    for (const referral of referrals) {
      await this.publisher.publish('fr.relais.referral.referral.person-erased.v1', { ...eventParties(referral), at: now.toISOString() }, { time: now });
    }
    // One event for the person reaches every service, whether or not the person was ever referred.
    await this.publisher.publish(
      'fr.relais.referral.person.erased.v1',
      { personRef, by: { role: actorRole(principal, 'sender'), structureId: principal.structureId, subject: principal.subject }, at: now.toISOString() },
      { time: now },
    );
    await this.audit.record(principal, 'erase', { personRef }, ['person', 'reason', 'history.comment', 'outcome.summary', 'assessments']);
    return { personReference: personRef, referralsErased: referrals.length, erasedAt: now.toISOString() };
  }
}
