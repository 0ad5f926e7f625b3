import type { PersonKey } from '@relais/privacy';

/** The direct identifiers a referral keeps, sealed together as one JSON value under the person's key. */
export interface ContactDetails {
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
}

/**
 * What a referral keeps about its person is sealed under the person's key, each field bound to its referral
 * and its purpose (a value cannot be moved to another column or referral), so erasing the key erases them all.
 */
export const referralSealContext = {
  contact: (referralId: string) => `referral:${referralId}:contact`,
  reason: (referralId: string) => `referral:${referralId}:reason`,
  outcome: (referralId: string) => `referral:${referralId}:outcome-summary`,
  comment: (referralId: string) => `referral:${referralId}:comment`,
};

export function sealContact(key: PersonKey, referralId: string, contact: ContactDetails): Buffer {
  return key.seal(JSON.stringify(contact), referralSealContext.contact(referralId));
}

export function openContact(key: PersonKey, referralId: string, sealed: Buffer | null): ContactDetails | null {
  const text = key.open(sealed, referralSealContext.contact(referralId));
  if (!text) return null;
  const value = JSON.parse(text) as Partial<ContactDetails>;
  return { firstName: value.firstName ?? null, lastName: value.lastName ?? null, phone: value.phone ?? null, email: value.email ?? null };
}
