import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { NotFoundError } from '@relais/platform';
import { In } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { partiesOf, viewOf } from '../referrals/referral-access';
import { ReferralTransitionEntity } from '../referrals/referral-transition.entity';
import { ReferralEntity } from '../referrals/referral.entity';
import { Clock } from '../shared/clock';
import { buildJourney, type Journey, type JourneyAssessment } from './journey-builder';

/**
 * Parcours: everything Relais knows of one person's path, from the diagnostic's results and the
 * referrals' histories. Structures that took part in one step see the whole chain (they are its
 * helpers); coordinators see the steps in their réseaux locaux. It holds no direct identifier.
 */
@Injectable()
export class JourneysService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** A diagnostic finished: remembered so the person's journey starts with it. A redelivery changes nothing. */
  @HandlesEvent('fr.relais.diagnostic.assessment.completed.v1')
  async onAssessmentCompleted(assessment: EventPayload<'fr.relais.diagnostic.assessment.completed.v1'>): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO assessments (assessment_id, person_ref, level, barriers, recommended_roles, network_id, structure_id, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (assessment_id) DO NOTHING`,
      [
        assessment.assessmentId,
        assessment.personRef,
        assessment.level,
        assessment.barriers,
        assessment.recommendedRoles,
        assessment.networkId,
        assessment.by.structureId,
        assessment.completedAt,
      ],
    );
  }

  @Transactional()
  async journey(principal: Principal, personRef: string): Promise<Journey> {
    const all = await this.txHost.tx.getRepository(ReferralEntity).find({ where: { personRef }, order: { createdAt: 'ASC' } });
    const isHelper = all.some((referral) => partiesOf(principal, referral).some((party) => party === 'sender' || party === 'receiver'));
    const visible = isHelper ? all : all.filter((referral) => viewOf(principal, referral) !== null);
    if (visible.length === 0) throw new NotFoundError('Parcours');
    const transitions = await this.txHost.tx
      .getRepository(ReferralTransitionEntity)
      .find({ where: { referralId: In(visible.map((r) => r.id)) }, order: { id: 'ASC' } });
    const rows: Array<{
      assessment_id: string;
      level: string;
      barriers: string[];
      recommended_roles: string[];
      network_id: string | null;
      structure_id: string | null;
      completed_at: Date;
    }> = await this.txHost.tx.query(`SELECT * FROM assessments WHERE person_ref = $1 ORDER BY completed_at`, [personRef]);
    const assessments: JourneyAssessment[] = rows
      // Coordinators see the assessments made in their networks; the person's helpers see them all.
      .filter((row) => isHelper || (row.network_id !== null && principal.networkIds.includes(row.network_id)))
      .map((row) => ({
        assessmentId: row.assessment_id,
        level: row.level,
        barriers: row.barriers,
        recommendedRoles: row.recommended_roles,
        networkId: row.network_id,
        structureId: row.structure_id,
        completedAt: row.completed_at,
      }));
    await this.audit.record(principal, 'read-journey', { personRef }, ['journey']);
    return buildJourney(personRef, assessments, visible, transitions, this.clock.now());
  }
}
