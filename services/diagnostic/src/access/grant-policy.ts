/** What this service knows of the assessment a referral names. */
export interface GrantFacts {
  personRef: string;
  /** The structure that ran it. */
  structureId: string;
  /** The referral's sender holds a grant in force on it (an earlier referral shared it with them). */
  senderHoldsGrant: boolean;
}

export type GrantRefusal = 'unknown-assessment' | 'other-person' | 'sender-may-not-share';

/**
 * Whether a referral may share an assessment with its receiver: the assessment must exist, be the
 * referral's person's, and the sender must have run it or have been given it by an earlier referral's
 * consent. Null when the grant may be given, else why not.
 */
export function grantRefusal(referral: { personRef: string; sendingStructureId: string }, facts: GrantFacts | null): GrantRefusal | null {
  if (facts === null) return 'unknown-assessment';
  if (facts.personRef !== referral.personRef) return 'other-person';
  if (facts.structureId !== referral.sendingStructureId && !facts.senderHoldsGrant) return 'sender-may-not-share';
  return null;
}
