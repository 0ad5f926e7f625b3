import type { ReferralStatus } from '@relais/contracts';

/**
 * Why a referral moved, as closed lists so that reporting can count reasons across structures.
 * The codes are the field's words (French, kebab-case); `autre` always needs a comment saying what.
 */
export const reasonCodes = {
  rejected: ['hors-perimetre', 'plus-de-capacite', 'personne-injoignable', 'deja-accompagnee', 'refus-de-la-personne', 'autre'],
  failed: ['absent-au-rendez-vous', 'abandon', 'personne-injoignable', 'demenagement', 'besoin-non-couvert', 'autre'],
  cancelled: ['erreur-d-orientation', 'demande-de-la-personne', 'besoin-resolu', 'doublon', 'autre'],
  redirected: ['hors-perimetre', 'plus-de-capacite', 'service-plus-adapte', 'plus-proche-du-domicile', 'reaffectation-coordination', 'autre'],
  'on-hold': ['attente-de-la-personne', 'attente-d-un-equipement', 'attente-d-un-organisme', 'indisponibilite-du-service', 'autre'],
  expired: ['delai-de-prise-en-compte-depasse'],
} as const satisfies Partial<Record<ReferralStatus, readonly string[]>>;

/** Moves that must say why: a refusal or a failure without a reason teaches the network nothing. */
export const reasonRequired: ReadonlySet<ReferralStatus> = new Set<ReferralStatus>(['rejected', 'failed']);

export const allReasonCodes: string[] = [...new Set(Object.values(reasonCodes).flat())].sort();

export function reasonCodesFor(status: ReferralStatus): readonly string[] {
  return (reasonCodes as Partial<Record<ReferralStatus, readonly string[]>>)[status] ?? [];
}

/** A problem with the reason of a move, in French for the caller, or null when it is fine. */
export function reasonProblem(status: ReferralStatus, reasonCode: string | undefined, comment: string | undefined): string | null {
  const allowed = reasonCodesFor(status);
  if (reasonCode === undefined) {
    return reasonRequired.has(status) ? `Le passage à « ${status} » demande un motif (reasonCode) parmi : ${allowed.join(', ')}.` : null;
  }
  if (!allowed.includes(reasonCode)) {
    return allowed.length === 0
      ? `Le passage à « ${status} » ne prend pas de motif.`
      : `Le motif « ${reasonCode} » n'existe pas pour « ${status} » ; motifs possibles : ${allowed.join(', ')}.`;
  }
  if (reasonCode === 'autre' && !comment?.trim()) return 'Le motif « autre » demande un commentaire qui le précise.';
  return null;
}
