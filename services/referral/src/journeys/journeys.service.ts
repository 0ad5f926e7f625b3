import { Injectable } from '@nestjs/common';
import { hasRole, type Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, NotFoundError } from '@relais/platform';
import { In } from 'typeorm';
import { AssessmentCopies, type AssessmentCopy } from '../assessments/assessment-copies';
import { AuditLog } from '../audit/audit-log';
import { consentActive } from '../consent/consent-policy';
import { PersonRegistry } from '../persons/person-registry';
import { partiesOf, viewOf } from '../referral-model/referral-access';
import { ReferralTransitionEntity } from '../referral-model/referral-transition.entity';
import { ReferralEntity } from '../referral-model/referral.entity';
import { buildJourney, type Journey, type JourneyAssessment } from './journey-builder';
import { journeyForStructure } from './journey-visibility';

/**
 * Parcours: everything Relais knows of one person's path, from the diagnostic's results and the
 * referrals' histories, without any direct identifier.
 * - A structure linked to the person sees the steps it took part in, and the steps the person shared
 *   along their journey (consent scope `journey`), in full; of the others, only that they exist.
 * - Coordinators see the steps of their réseaux locaux, administrators every step, pseudonymized.
 * - Anyone else: 404, exactly as for a reference that does not exist.
 */
@Injectable()
export class JourneysService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly persons: PersonRegistry,
    private readonly assessments: AssessmentCopies,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  @Transactional()
  async journey(principal: Principal, personRef: string): Promise<Journey> {
    const now = this.clock.now();
    const all = await this.txHost.tx.getRepository(ReferralEntity).find({ where: { personRef }, order: { createdAt: 'ASC' } });
    const copies = await this.assessments.ofPerson(personRef);
    const actsForStructure = principal.structureId !== null && hasRole(principal, 'agent', 'integration');
    const structureId = actsForStructure ? principal.structureId : null;
    const linked = structureId !== null && (await this.persons.isLinked(personRef, structureId));

    let journey: Journey;
    if (linked && structureId !== null) {
      const full = all.filter(
        (referral) =>
          partiesOf(principal, referral).some((party) => party === 'sender' || party === 'receiver') ||
          (referral.consentScope.includes('journey') && consentActive(referral, now) && referral.personErasedAt === null),
      );
      const sharedAssessments = new Set<string>();
      for (const copy of copies) if (await this.assessments.mayShare(copy, structureId, now)) sharedAssessments.add(copy.assessmentId);
      journey = journeyForStructure(await this.build(personRef, copies, all, now), {
        referralIds: new Set(full.map((referral) => referral.id)),
        assessmentIds: sharedAssessments,
      });
    } else if (hasRole(principal, 'coordinator', 'admin')) {
      const admin = hasRole(principal, 'admin');
      const inNetworks = (networkId: string | null) => networkId !== null && principal.networkIds.includes(networkId);
      const visible = admin ? all : all.filter((referral) => viewOf(principal, referral) !== null);
      const assessments = admin ? copies : copies.filter((copy) => inNetworks(copy.networkId));
      if (visible.length === 0 && assessments.length === 0) throw new NotFoundError('Parcours');
      journey = await this.build(personRef, assessments, visible, now);
    } else {
      throw new NotFoundError('Parcours');
    }
    await this.audit.record(principal, 'read-journey', { personRef }, ['journey']);
    return journey;
  }

  private async build(personRef: string, copies: AssessmentCopy[], referrals: ReferralEntity[], now: Date): Promise<Journey> {
    const transitions =
      referrals.length === 0
        ? []
        : await this.txHost.tx
            .getRepository(ReferralTransitionEntity)
            .find({ where: { referralId: In(referrals.map((r) => r.id)) }, order: { id: 'ASC' } });
    const assessments: JourneyAssessment[] = copies.map(({ personRef: _person, ...copy }) => copy);
    return buildJourney(personRef, assessments, referrals, transitions, now);
  }
}
