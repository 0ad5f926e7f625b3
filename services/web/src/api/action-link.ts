import { api } from './client';
import type { ReferralDetail, TransitionBody } from './referral';

/**
 * An action link as the referral service answers it (services/referral/src/action-links, ADR 0005): the
 * token is the only credential, so every call goes without a bearer token, and the token travels only in
 * the path of same-origin requests (the page sets no-referrer so it never leaves in a Referer).
 */
export interface ActionLinkView {
  state: 'open' | 'closed';
  expiresAt: string;
  referralId: string;
  structureId: string;
  referral: ReferralDetail | null;
  outcome: { status: string; at: string; by: string; reasonCode: string | null; redirectedToReferralId: string | null } | null;
  allowedTransitions: string[];
  reasonCodes: Record<string, string[]>;
}

const path = (token: string) => `/api/referral/v1/links/${encodeURIComponent(token)}`;

export const actionLinkQuery = (token: string) => ({
  queryKey: ['action-link', token],
  queryFn: () => api<ActionLinkView>(path(token), { anonymous: true }),
  // Each read is audited by the referral service: no refetch on its own, only after a move.
  staleTime: Infinity,
});

export function moveByLink(token: string, body: TransitionBody) {
  return api<{ status: string; allowedTransitions: string[] }>(`${path(token)}/transitions`, { method: 'POST', body, anonymous: true });
}

export function revokeLink(token: string) {
  return api<undefined>(`${path(token)}/revocation`, { method: 'POST', anonymous: true });
}
