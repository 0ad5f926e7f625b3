import { api } from './client';

/** The diagnostic's questionnaire and result (docs/diagnostic.md). */
export interface Question {
  id: string;
  kind: 'single' | 'multiple' | 'procedures';
  text: string;
  help?: string;
  required: boolean;
  options: Array<{ value: string; label: string; exclusive?: boolean }>;
}

export interface Questionnaire {
  version: string;
  hash: string;
  title: string;
  introduction: string;
  sections: Array<{ id: string; title: string; intro?: string; questions: Question[] }>;
}

export type Answer = string | string[] | Array<{ procedure: string; deadline: string | null }>;

export interface Candidate {
  rank: number;
  serviceId: string;
  structureId: string;
  serviceName: string;
  structureName: string | null;
  role: string;
  score: number;
  distanceKm: number | null;
  openSlotsPerWeek: number | null;
  waitingDays: number | null;
  acceptsRelaisReferrals: boolean;
  nextOpening: string | null;
  reasons: string[];
}

export interface Assessment {
  assessmentId: string;
  personRef: string | null;
  communeCode: string;
  communeName: string | null;
  completedAt: string;
  autonomy: { level: string; label: string; explanation: string[] };
  barriers: Array<{ barrier: string; label: string; reason: string }>;
  urgentProcedures: Array<{ procedure: string; label: string; deadline: string | null; daysLeft: number | null }>;
  recommendedRoles: Array<{ role: string; label: string; rank: number; reason: string }>;
  candidates: Candidate[];
}

export const questionnaireQuery = { queryKey: ['questionnaire', 'current'], queryFn: () => api<Questionnaire>('/api/diagnostic/v1/questionnaires/current'), staleTime: Infinity };

export function submitAssessment(body: { personRef?: string; communeCode: string; consent: { given: true; method: string }; answers: Record<string, Answer>; questionnaireVersion: string }, idempotencyKey: string) {
  return api<Assessment>('/api/diagnostic/v1/assessments', { method: 'POST', body, idempotencyKey });
}
