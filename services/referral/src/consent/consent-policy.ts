import type { ConsentScope } from '../referral-model/referral.entity';

export interface ConsentState {
  consentScope: ConsentScope[];
  consentExpiresAt: Date | null;
  consentRevokedAt: Date | null;
  personErasedAt: Date | null;
}

/** Which personal parts of a referral a reader gets: every one is also a line of the audit log. */
export interface SharedParts {
  contact: boolean;
  reason: boolean;
  assessment: boolean;
  /** Free text of the history and of the outcome, written by the two structures themselves. */
  notes: boolean;
}

const nothing: SharedParts = { contact: false, reason: false, assessment: false, notes: false };

export function consentActive(consent: ConsentState, now: Date): boolean {
  return consent.consentRevokedAt === null && (consent.consentExpiresAt === null || consent.consentExpiresAt.getTime() > now.getTime());
}

/**
 * The sender collected the data and keeps seeing it; the receiver sees what the consent's scope
 * shares, while the consent holds (revoked or past its end date, the personal parts disappear at
 * once). After erasure nobody sees anything: the key is gone.
 */
export function sharedParts(consent: ConsentState, reader: { sender: boolean; receiver: boolean }, now: Date): SharedParts {
  if (consent.personErasedAt !== null) return nothing;
  if (reader.sender) return { contact: true, reason: true, assessment: true, notes: true };
  if (!reader.receiver) return nothing;
  const active = consentActive(consent, now);
  return {
    contact: active && consent.consentScope.includes('contact'),
    reason: active && consent.consentScope.includes('reason'),
    assessment: active && consent.consentScope.includes('assessment'),
    notes: true,
  };
}

/** A redirect copies the person's data to the new service only when the consent covers onward sharing. */
export function redirectMayShare(consent: ConsentState & { consentSharedWith: string }, now: Date): boolean {
  return consent.personErasedAt === null && consentActive(consent, now) && consent.consentSharedWith === 'receiver-and-redirects';
}
