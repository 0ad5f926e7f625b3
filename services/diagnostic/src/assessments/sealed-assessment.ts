import type { PersonKey, PersonVault } from '@relais/privacy';
import type { AssessmentView } from './assessment.view';

/** What is stored as the result: everything the agent saw, except the person and the answers. */
export type StoredResult = Omit<AssessmentView, 'assessmentId' | 'personRef' | 'pseudonymized' | 'answers'>;

/** An assessment row as stored: answers and result sealed under the person's key. */
export interface AssessmentRow {
  assessment_id: string;
  person_ref: string;
  structure_id: string;
  network_id: string | null;
  answers_sealed: Buffer;
  result_sealed: Buffer;
  request_hash: string | null;
  completed_at: Date;
}

export interface OpenedAssessment {
  assessmentId: string;
  personRef: string;
  structureId: string;
  answers: Record<string, unknown>;
  result: StoredResult;
}

/**
 * Each sealed value is bound to its assessment and field: moved to another row or column, it no longer
 * opens (so one assessment's answers can never be shown as another's).
 */
export const sealContext = {
  answers: (assessmentId: string) => `assessment:${assessmentId}:answers`,
  result: (assessmentId: string) => `assessment:${assessmentId}:result`,
};

export function sealAssessment(key: PersonKey, assessmentId: string, answers: Record<string, unknown>, result: StoredResult): { answers: Buffer; result: Buffer } {
  return {
    answers: key.seal(JSON.stringify(answers), sealContext.answers(assessmentId)),
    result: key.seal(JSON.stringify(result), sealContext.result(assessmentId)),
  };
}

/** Opens a stored assessment with its person's key; a row that does not open is an error, never shown half. */
export async function openAssessment(vault: PersonVault, row: AssessmentRow): Promise<OpenedAssessment> {
  const key = await vault.find(row.person_ref);
  const answers = key?.open(row.answers_sealed, sealContext.answers(row.assessment_id)) ?? null;
  const result = key?.open(row.result_sealed, sealContext.result(row.assessment_id)) ?? null;
  if (answers === null || result === null) throw new Error(`assessment ${row.assessment_id} could not be unsealed`);
  return {
    assessmentId: row.assessment_id,
    personRef: row.person_ref,
    structureId: row.structure_id,
    answers: JSON.parse(answers) as Record<string, unknown>,
    result: JSON.parse(result) as StoredResult,
  };
}

/** What a caller sees: in full (the person and the answers), or pseudonymized (neither). */
export function assessmentView(opened: OpenedAssessment, access: 'full' | 'pseudonymized'): AssessmentView {
  const base = { assessmentId: opened.assessmentId, ...opened.result };
  return access === 'full'
    ? { ...base, personRef: opened.personRef, pseudonymized: false, answers: opened.answers }
    : { ...base, personRef: null, pseudonymized: true };
}

/** The fields a read shows, as the audit log names them. */
export const readFields = {
  full: ['personRef', 'answers', 'result'],
  pseudonymized: ['result'],
  history: ['personRef', 'level', 'score', 'domains', 'barriers', 'recommendedRoles'],
} as const;
