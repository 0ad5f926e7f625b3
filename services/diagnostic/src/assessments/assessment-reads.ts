import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, NotFoundError } from '@relais/platform';
import { PersonVault } from '@relais/privacy';
import { readAccess, type ReadAccess } from '../access/assessment-access';
import { AuditLog } from '../audit/audit-log';
import type { AssessmentView, HistoryEntryView, PersonHistoryView } from './assessment.view';
import { progression } from './progression';
import { assessmentView, openAssessment, readFields, type AssessmentRow } from './sealed-assessment';

/**
 * Reading assessments: who may read what (access/assessment-access.ts), unsealed with the person's key,
 * and every read written to the audit log in the same transaction, so no read goes unrecorded.
 */
@Injectable()
export class AssessmentReads {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly vault: PersonVault,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** One assessment, as the caller may read it; 404 when the caller may not read it at all. */
  @Transactional()
  async get(principal: Principal, assessmentId: string): Promise<AssessmentView> {
    const rows = await this.txHost.tx.query<AssessmentRow[]>(`SELECT * FROM assessment WHERE assessment_id = $1`, [assessmentId]);
    const row = rows[0];
    const access = row ? await this.accessTo(principal, row) : null;
    if (!row || !access) throw new NotFoundError('Ce diagnostic');
    const view = assessmentView(await openAssessment(this.vault, row), access);
    await this.audit.record(principal, 'read', { assessmentId, personRef: row.person_ref }, readFields[access]);
    return view;
  }

  /**
   * A person's assessments the caller reads in full, oldest first, with the progression between them.
   * A person's history is personal data by nature (it is asked for by reference): pseudonymized readers
   * (coordinators, administrators) get 404, as does a structure that may read none of them.
   */
  @Transactional()
  async history(principal: Principal, personRef: string): Promise<PersonHistoryView> {
    const rows = await this.txHost.tx.query<AssessmentRow[]>(`SELECT * FROM assessment WHERE person_ref = $1 ORDER BY completed_at, assessment_id`, [personRef]);
    const readable: AssessmentRow[] = [];
    for (const row of rows) if ((await this.accessTo(principal, row)) === 'full') readable.push(row);
    if (readable.length === 0) throw new NotFoundError('Aucun diagnostic lisible pour cette personne ; son historique');
    const assessments: HistoryEntryView[] = [];
    for (const row of readable) {
      const { result } = await openAssessment(this.vault, row);
      assessments.push({
        assessmentId: row.assessment_id,
        completedAt: result.completedAt,
        structureId: row.structure_id,
        level: result.autonomy.level,
        score: result.autonomy.score,
        domains: result.autonomy.domains,
        barriers: result.barriers.map((b) => b.barrier),
        recommendedRoles: result.recommendedRoles.map((r) => r.role),
        questionnaireVersion: result.questionnaireVersion,
      });
      await this.audit.record(principal, 'read-history', { assessmentId: row.assessment_id, personRef }, readFields.history);
    }
    return { personRef, assessments, progression: progression(assessments) };
  }

  private async accessTo(principal: Principal, row: AssessmentRow): Promise<ReadAccess> {
    let granted: string[] = [];
    if (principal.structureId !== null && principal.structureId !== row.structure_id) {
      const grants = await this.txHost.tx.query<Array<{ structure_id: string }>>(
        `SELECT structure_id FROM assessment_grant
          WHERE assessment_id = $1 AND structure_id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)`,
        [row.assessment_id, principal.structureId, this.clock.now()],
      );
      granted = grants.map((g) => g.structure_id);
    }
    return readAccess(principal, { structureId: row.structure_id, networkId: row.network_id, grantedStructureIds: granted });
  }
}
