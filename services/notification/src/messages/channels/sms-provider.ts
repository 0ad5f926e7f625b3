/** One SMS as a provider takes it. */
export interface SmsRequest {
  /** International digits without "+" (33612345678). */
  recipient: string;
  content: string;
  tag: string;
  /** Where the provider posts this SMS's receipts (delivered, bounced), or null. */
  receiptUrl: string | null;
}

export type SmsResult = { kind: 'accepted'; providerId: string | null } | { kind: 'retry' | 'refused'; reason: string };

/**
 * A transactional SMS provider's API. One real implementation (Brevo, brevo-sms-provider.ts); another
 * provider (OVH, Orange) is another class behind this interface and a value of the configuration.
 */
export interface SmsProvider {
  send(request: SmsRequest): Promise<SmsResult>;
}

/** A French number as people write it (06 12 34 56 78, +33 6…, 0033 6…) in the providers' form, or null. */
export function internationalNumber(value: string): string | null {
  const digits = value.replace(/[\s.()-]/g, '');
  if (/^0[1-9]\d{8}$/.test(digits)) return `33${digits.slice(1)}`;
  if (/^\+\d{8,15}$/.test(digits)) return digits.slice(1);
  if (/^00\d{8,15}$/.test(digits)) return digits.slice(2);
  return null;
}
