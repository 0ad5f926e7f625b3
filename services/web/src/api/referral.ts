import { api, query } from './client';
import type { Page } from './directory';

/** The referral service's views (docs/referral.md, services/referral/src/referrals/referral-reads.dto.ts). */
export interface Deadlines {
  acknowledgeDueAt: string;
  firstContactDueAt: string;
  expiresAt: string;
  acknowledgedAt: string | null;
  firstContactAt: string | null;
  overdue: boolean;
}

export interface ReferralSummary {
  id: string;
  personReference: string;
  status: string;
  urgency: string;
  needs: string[];
  sendingStructureId: string;
  receivingServiceId: string;
  receivingStructureId: string;
  networkId: string | null;
  previousReferralId: string | null;
  createdAt: string;
  statusChangedAt: string;
  deadlines: Deadlines;
  personErased: boolean;
}

export interface Transition {
  from: string;
  to: string;
  at: string;
  by: { party: string; role: string; structureId: string | null; subject: string };
  reasonCode: string | null;
  comment?: string | null;
  redirectedToReferralId: string | null;
}

export interface Consent {
  scope: string[];
  method: string;
  sharedWith: string;
  obtainedAt: string;
  obtainedBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  active: boolean;
}

export interface ReferralDetail extends ReferralSummary {
  view: 'full' | 'pseudonymous';
  person: { reference: string; contactPreference: string; firstName?: string | null; lastName?: string | null; phone?: string | null; email?: string | null };
  reason?: string | null;
  assessmentId: string | null;
  consent: Consent;
  outcome: { summary?: string | null; autonomyGained: string | null; nextStep: string | null } | null;
  history: Transition[];
  allowedTransitions: string[];
}

export type Box = 'received' | 'sent';

export function listReferrals(box: Box, filters: { status?: string[]; overdue?: boolean }, cursor: string | null, limit = 20) {
  return api<Page<ReferralSummary>>(
    `/api/referral/v1/referrals${query({ box, status: filters.status?.length ? filters.status.join(',') : undefined, overdue: filters.overdue ? true : undefined, cursor, limit })}`,
  );
}

export const referralQuery = (id: string) => ({
  queryKey: ['referral', id],
  queryFn: () => api<ReferralDetail>(`/api/referral/v1/referrals/${encodeURIComponent(id)}`),
});

export interface TransitionBody {
  status: string;
  reasonCode?: string;
  comment?: string;
  redirectToServiceId?: string;
  outcome?: { summary?: string; autonomyGained?: string; nextStep?: string };
}

export function moveReferral(id: string, body: TransitionBody) {
  return api<{ status: string; allowedTransitions: string[] }>(`/api/referral/v1/referrals/${id}/transitions`, { method: 'POST', body });
}

export function revokeConsent(id: string) {
  return api<unknown>(`/api/referral/v1/referrals/${id}/consent/revocation`, { method: 'POST' });
}

export interface NewReferral {
  receivingServiceId: string;
  person:
    | { reference: string }
    | { firstName: string; lastName: string; birthDate?: string; phone?: string; email?: string; contactPreference: string };
  reason: string;
  needs: string[];
  urgency: 'normal' | 'urgent';
  assessmentId?: string;
  consent: { scope: string[]; method: string; obtainedAt: string; expiresAt?: string; sharedWith?: string };
}

export function sendReferral(body: NewReferral, idempotencyKey: string) {
  return api<{ id: string; personReference: string; acknowledgeDueAt: string }>(`/api/referral/v1/referrals`, { method: 'POST', body, idempotencyKey });
}

export interface Journey {
  personReference: string;
  assessments: Array<{ assessmentId: string; level: string | null; barriers: string[]; recommendedRoles: string[]; structureId: string | null; completedAt: string; visibility: 'full' | 'limited' }>;
  referrals: Array<{
    id: string;
    previousReferralId: string | null;
    nextReferralId: string | null;
    status: string;
    sendingStructureId: string | null;
    receivingServiceId: string | null;
    receivingStructureId: string | null;
    needs: string[];
    urgency: string | null;
    visibility: 'full' | 'limited';
    createdAt: string;
    closedAt: string | null;
    outcome: { autonomyGained: string | null; nextStep: string | null } | null;
  }>;
  steps: Array<{ at: string; kind: 'assessment' | 'transition'; assessmentId?: string; referralId?: string; from?: string; to?: string; reasonCode?: string | null; by?: { party: string; role: string; structureId: string | null } }>;
  breaks: Array<{ kind: string; referralId: string; at: string; detail: string }>;
}

export const journeyQuery = (personReference: string) => ({
  queryKey: ['journey', personReference],
  queryFn: () => api<Journey>(`/api/referral/v1/journeys/${encodeURIComponent(personReference)}`),
});

/** The reasons each move accepts, as the referral service checks them (`GET /v1/reason-codes`). */
export interface MoveReasons {
  status: string;
  required: boolean;
  codes: string[];
}

export const reasonCodesQuery = {
  queryKey: ['reason-codes'],
  queryFn: async (): Promise<MoveReasons[]> => (await api<{ moves: MoveReasons[] }>('/api/referral/v1/reason-codes', { anonymous: true })).moves,
  staleTime: Infinity,
};
