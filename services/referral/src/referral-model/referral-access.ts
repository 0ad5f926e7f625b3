import { hasRole, type Principal } from '@relais/auth';
import type { Party } from './referral-lifecycle';

export interface ReferralParties {
  sendingStructureId: string;
  receivingStructureId: string;
  /** The réseau local whose delays apply: its coordinators may reassign the referral. */
  networkId: string | null;
  /** Every réseau local of either side: their coordinators follow the referral. */
  networkIds: string[];
}

/**
 * What a caller is to a referral. Agents and integration clients act for their structure; a
 * coordinator acts for its réseaux locaux. Pure, so the access matrix is unit-tested cell by cell.
 */
export function partiesOf(principal: Principal, referral: ReferralParties): Party[] {
  const parties: Party[] = [];
  const actsForStructure = principal.structureId !== null && hasRole(principal, 'agent', 'integration');
  if (actsForStructure && principal.structureId === referral.sendingStructureId) parties.push('sender');
  if (actsForStructure && principal.structureId === referral.receivingStructureId) parties.push('receiver');
  if (hasRole(principal, 'coordinator') && referral.networkId !== null && principal.networkIds.includes(referral.networkId)) {
    parties.push('coordinator');
  }
  return parties;
}

/**
 * How much of a referral a caller sees: `full` for the two structures, `pseudonymous` (no direct
 * identifier, no free text) for the coordinators and administrators of one of its réseaux locaux,
 * nothing for anyone else — who then gets a 404, never a hint that the referral exists.
 */
export type ReferralView = 'full' | 'pseudonymous' | null;

export function viewOf(principal: Principal, referral: ReferralParties): ReferralView {
  const parties = partiesOf(principal, referral);
  if (parties.includes('sender') || parties.includes('receiver')) return 'full';
  if (hasRole(principal, 'coordinator', 'admin') && referral.networkIds.some((id) => principal.networkIds.includes(id))) return 'pseudonymous';
  return null;
}
