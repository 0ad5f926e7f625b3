import { hasRole, type Principal } from '@relais/auth';

/** How a caller may read an assessment: in full, without the person (coordination), or not at all (404). */
export type ReadAccess = 'full' | 'pseudonymized' | null;

export interface AccessFacts {
  /** The structure that ran the assessment. */
  structureId: string;
  /** The réseau local of the person's commune. */
  networkId: string | null;
  /** Structures the person was referred to with consent to share the assessment (grants in force). */
  grantedStructureIds: readonly string[];
}

/**
 * Who reads an assessment. The structure that ran it, and any structure the person was later referred to
 * with consent to share it, read it in full; the coordinators of the person's réseau local (and the
 * département's administrators) read it without the person's reference nor answers; anyone else is told
 * it does not exist.
 */
export function readAccess(principal: Principal, facts: AccessFacts): ReadAccess {
  if (principal.structureId !== null) {
    if (principal.structureId === facts.structureId) return 'full';
    if (facts.grantedStructureIds.includes(principal.structureId)) return 'full';
  }
  if (hasRole(principal, 'coordinator') && facts.networkId !== null && principal.networkIds.includes(facts.networkId)) return 'pseudonymized';
  if (hasRole(principal, 'admin')) return 'pseudonymized';
  return null;
}
