/** `notifier`: the notification service's own client, to ask the referral service where a person wants to be told (docs/security.md). */
export const roles = ['agent', 'coordinator', 'admin', 'integration', 'notifier'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, as the token's claims say. Everything access control decides rests on this. */
export interface Principal {
  /** `sub` of the token: a user, or the client id for client-credentials tokens. */
  subject: string;
  clientId: string | null;
  structureId: string | null;
  networkIds: string[];
  department: string | null;
  roles: Role[];
}

export function hasRole(principal: Principal, ...wanted: Role[]): boolean {
  return wanted.some((role) => principal.roles.includes(role));
}

/**
 * A client-credentials token: no person behind it. RFC 9068 §2.2 has `sub` name the client itself in that
 * case (oidc-provider does); a user token carries the user as `sub` and the web app as `client_id`.
 */
export function isClientCaller(principal: Principal): boolean {
  return principal.clientId !== null && principal.subject === principal.clientId;
}

/**
 * Who is calling, as one stable string: per client for software, per user *and* structure for people, so
 * one person acting for two structures is two callers, and two colleagues are never one.
 */
export function callerKey(principal: Principal): string {
  return isClientCaller(principal) ? `client:${principal.clientId}` : `user:${principal.structureId ?? '-'}:${principal.subject}`;
}
