import { redirectMayShare, sharedParts, type ConsentState } from './consent-policy';

const now = new Date('2026-11-23T10:00:00Z');
const consent: ConsentState = { consentScope: ['contact', 'reason'], consentExpiresAt: null, consentRevokedAt: null, personErasedAt: null };
const sender = { sender: true, receiver: false };
const receiver = { sender: false, receiver: true };

describe('consent policy', () => {
  it('shares with the receiver what the scope names', () => {
    expect(sharedParts(consent, receiver, now)).toEqual({ contact: true, reason: true, assessment: false, notes: true });
    expect(sharedParts({ ...consent, consentScope: ['assessment'] }, receiver, now)).toEqual({ contact: false, reason: false, assessment: true, notes: true });
  });

  it('stops sharing with the receiver at once when revoked or past its end date, not with the sender', () => {
    const revoked = { ...consent, consentRevokedAt: new Date('2026-11-23T09:59:59Z') };
    expect(sharedParts(revoked, receiver, now)).toMatchObject({ contact: false, reason: false, assessment: false });
    const ended = { ...consent, consentExpiresAt: new Date('2026-11-23T10:00:00Z') };
    expect(sharedParts(ended, receiver, now)).toMatchObject({ contact: false, reason: false });
    expect(sharedParts(revoked, sender, now)).toEqual({ contact: true, reason: true, assessment: true, notes: true });
  });

  it('shows nothing to anyone after erasure, nor to a third party', () => {
    const erased = { ...consent, personErasedAt: now };
    expect(sharedParts(erased, sender, now)).toEqual({ contact: false, reason: false, assessment: false, notes: false });
    expect(sharedParts(consent, { sender: false, receiver: false }, now)).toEqual({ contact: false, reason: false, assessment: false, notes: false });
  });

  it('lets a redirect carry the data only when onward sharing was agreed and the consent holds', () => {
    expect(redirectMayShare({ ...consent, consentSharedWith: 'receiver' }, now)).toBe(false);
    expect(redirectMayShare({ ...consent, consentSharedWith: 'receiver-and-redirects' }, now)).toBe(true);
    expect(redirectMayShare({ ...consent, consentSharedWith: 'receiver-and-redirects', consentRevokedAt: now }, now)).toBe(false);
  });
});
