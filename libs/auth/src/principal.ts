export const roles = ['agent', 'coordinator', 'admin', 'integration'] as const;
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
