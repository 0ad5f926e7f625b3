import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { PersonRegistry } from '../persons/person-registry';
import { awaitArrival } from '../shared/arrival';

/** This service's copy of a diagnostic's result: enough for journeys and for deciding who may attach it. */
export interface AssessmentCopy {
  assessmentId: string;
  personRef: string;
  level: string;
  barriers: string[];
  recommendedRoles: string[];
  networkId: string | null;
  structureId: string | null;
  completedAt: Date;
}

interface AssessmentRow {
  assessment_id: string;
  person_ref: string;
  level: string;
  barriers: string[];
  recommended_roles: string[];
  network_id: string | null;
  structure_id: string | null;
  completed_at: Date;
}

/**
 * The diagnostics' results as this service learns them from `assessment.completed`: journeys start with
 * them, and a referral may carry one only if its sender ran it or received it with the person's consent.
 */
@Injectable()
export class AssessmentCopies {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly persons: PersonRegistry,
  ) {}

  /** A diagnostic finished: kept, and its structure linked to the person. A redelivery changes nothing. */
  @HandlesEvent('fr.relais.diagnostic.assessment.completed.v1')
  async onAssessmentCompleted(assessment: EventPayload<'fr.relais.diagnostic.assessment.completed.v1'>): Promise<void> {
    const erased: unknown[] = await this.txHost.tx.query(`SELECT 1 FROM persons WHERE reference = $1 AND erased_at IS NOT NULL`, [assessment.personRef]);
    // A late event of an erased person must not bring anything of them back.
    if (erased.length > 0) return;
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
    await this.persons.linkFromAssessment(assessment.personRef, assessment.by.structureId, new Date(assessment.completedAt));
  }

  async find(assessmentId: string): Promise<AssessmentCopy | null> {
    const rows: AssessmentRow[] = await this.txHost.tx.query(`SELECT * FROM assessments WHERE assessment_id = $1`, [assessmentId]);
    return rows[0] ? copyOf(rows[0]) : null;
  }

  /** Waits a moment for the event of an assessment the agent ran just before orienting (shared/arrival.ts). */
  async awaitKnown(assessmentId: string): Promise<void> {
    await awaitArrival(async () => (await this.find(assessmentId)) !== null);
  }

  /** The structure ran it, or received it through a referral whose consent shares it and still holds. */
  async mayShare(assessment: AssessmentCopy, structureId: string, now: Date): Promise<boolean> {
    if (assessment.structureId === structureId) return true;
    const rows: unknown[] = await this.txHost.tx.query(
      `SELECT 1 FROM referrals
       WHERE assessment_id = $1 AND receiving_structure_id = $2 AND 'assessment' = ANY (consent_scope)
         AND consent_revoked_at IS NULL AND (consent_expires_at IS NULL OR consent_expires_at > $3) AND person_erased_at IS NULL
       LIMIT 1`,
      [assessment.assessmentId, structureId, now],
    );
    return rows.length > 0;
  }

  async ofPerson(personRef: string): Promise<AssessmentCopy[]> {
    const rows: AssessmentRow[] = await this.txHost.tx.query(`SELECT * FROM assessments WHERE person_ref = $1 ORDER BY completed_at`, [personRef]);
    return rows.map(copyOf);
  }

  /** Erasure: the copies go with the person (the diagnostic keeps its counts, not this service). */
  async eraseOf(personRef: string): Promise<void> {
    await this.txHost.tx.query(`DELETE FROM assessments WHERE person_ref = $1`, [personRef]);
  }
}

function copyOf(row: AssessmentRow): AssessmentCopy {
  return {
    assessmentId: row.assessment_id,
    personRef: row.person_ref,
    level: row.level,
    barriers: row.barriers,
    recommendedRoles: row.recommended_roles,
    networkId: row.network_id,
    structureId: row.structure_id,
    completedAt: row.completed_at,
  };
}
