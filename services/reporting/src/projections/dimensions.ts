/** The network of nobody: an assessment or a sender outside any network is filed under it (never shown as a network). */
export const NO_NETWORK = '00000000-0000-0000-0000-000000000000';

const parisDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (Europe/Paris) of an instant, as YYYY-MM-DD: figures are per French day. */
export function dayOf(instant: string | Date): string {
  return parisDay.format(typeof instant === 'string' ? new Date(instant) : instant);
}

export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** Where a referral's figures go: the receiving side's networks, structure and role. */
export interface ReferralDimensions {
  networkIds: string[];
  structureId: string;
  role: string;
}
