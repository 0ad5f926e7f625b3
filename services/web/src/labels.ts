/**
 * The field's words for the API's codes. Statuses and moves follow the lifecycle of docs/referral.md;
 * an unknown code (a newer API) is shown as is rather than hidden.
 */
export const referralStatuses = ['requested', 'received', 'accepted', 'in-progress', 'on-hold', 'completed', 'rejected', 'redirected', 'failed', 'cancelled', 'expired'] as const;
export type ReferralStatus = (typeof referralStatuses)[number];

export const statusLabels: Record<ReferralStatus, string> = {
  requested: 'Envoyée, en attente de réponse',
  received: 'Réception accusée',
  accepted: 'Acceptée',
  'in-progress': 'Accompagnement en cours',
  'on-hold': 'En attente',
  completed: 'Clôturée',
  rejected: 'Refusée',
  redirected: 'Réorientée',
  failed: 'Échec',
  cancelled: 'Annulée',
  expired: 'Expirée',
};

export type BadgeSeverity = 'info' | 'success' | 'warning' | 'error' | 'new';
export const statusSeverity: Record<ReferralStatus, BadgeSeverity> = {
  requested: 'new',
  received: 'info',
  accepted: 'info',
  'in-progress': 'info',
  'on-hold': 'warning',
  completed: 'success',
  rejected: 'error',
  redirected: 'warning',
  failed: 'error',
  cancelled: 'warning',
  expired: 'error',
};

/** The button that makes each move, with the field's words (issue 13). */
export function moveLabel(from: string, to: string): string {
  switch (to) {
    case 'received':
      return 'Accuser réception';
    case 'accepted':
      return 'Accepter';
    case 'rejected':
      return 'Refuser';
    case 'redirected':
      return 'Réorienter';
    case 'in-progress':
      return from === 'on-hold' ? 'Reprendre l’accompagnement' : 'Démarrer l’accompagnement';
    case 'on-hold':
      return 'Mettre en attente';
    case 'completed':
      return 'Clôturer';
    case 'failed':
      return 'Signaler un échec';
    case 'cancelled':
      return 'Annuler l’orientation';
    default:
      return to;
  }
}

export const reasonLabels: Record<string, string> = {
  'hors-perimetre': 'Hors du périmètre du service',
  'plus-de-capacite': 'Plus de place disponible',
  'personne-injoignable': 'Personne injoignable',
  'deja-accompagnee': 'Personne déjà accompagnée',
  'refus-de-la-personne': 'Refus de la personne',
  'absent-au-rendez-vous': 'Absente au rendez-vous',
  abandon: 'Abandon',
  demenagement: 'Déménagement',
  'besoin-non-couvert': 'Besoin non couvert',
  'erreur-d-orientation': 'Erreur d’orientation',
  'demande-de-la-personne': 'À la demande de la personne',
  'besoin-resolu': 'Besoin résolu',
  doublon: 'Doublon',
  'service-plus-adapte': 'Un autre service est plus adapté',
  'plus-proche-du-domicile': 'Plus proche du domicile',
  'reaffectation-coordination': 'Réaffectation par la coordination',
  'attente-de-la-personne': 'En attente de la personne',
  'attente-d-un-equipement': 'En attente d’un équipement',
  'attente-d-un-organisme': 'En attente d’un organisme',
  'indisponibilite-du-service': 'Service momentanément indisponible',
  'delai-de-prise-en-compte-depasse': 'Délai de prise en compte dépassé',
  autre: 'Autre (préciser en commentaire)',
};

/** Relais's modalities (finer than data·inclusion v1's modes d'accueil, which the search form offers). */
export const modalityLabels: Record<string, string> = { 'sur-place': 'Sur place', 'a-distance': 'À distance', 'a-domicile': 'À domicile', itinerant: 'Itinérant' };
export const autonomyLabels: Record<string, string> = { aucun: 'Aucune autonomie gagnée', partiel: 'Autonomie partielle', complet: 'Autonome' };
export const urgencyLabels: Record<string, string> = { normal: 'Normale', urgent: 'Urgente' };
export const contactLabels: Record<string, string> = { phone: 'Téléphone', email: 'Courriel', sms: 'SMS', referent: 'Par le référent', none: 'Ne pas contacter' };
export const consentScopeLabels: Record<string, string> = {
  contact: 'ses coordonnées (nom, téléphone, courriel)',
  reason: 'le motif de l’orientation',
  assessment: 'le résultat de son diagnostic numérique',
  journey: 'cette étape dans son parcours, visible de ses autres aidants',
};
export const consentMethodLabels: Record<string, string> = { oral: 'à l’oral', written: 'par écrit', electronic: 'par voie électronique' };
/** The account's roles as the header shows them (the token carries the codes). */
export const accountRoleLabels: Record<string, string> = { agent: 'agent', coordinator: 'coordination', admin: 'administration', integration: 'logiciel', notifier: 'service de notification' };
export const partyLabels: Record<string, string> = { sender: 'structure orienteuse', receiver: 'structure destinataire', coordinator: 'coordination', system: 'Relais (automatique)' };
export const breakLabels: Record<string, string> = {};

export const label = (labels: Record<string, string>, code: string | null | undefined): string => (code ? (labels[code] ?? humanize(code)) : '—');

/** `numerique--prendre-en-main` → « numérique : prendre en main », for codes without a label yet. */
export function humanize(code: string): string {
  return code.replace('--', ' : ').replace(/-/g, ' ');
}

const dateFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeZone: 'Europe/Paris' });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' });
export const formatDate = (iso: string | null | undefined): string => (iso ? dateFormat.format(new Date(iso)) : '—');
export const formatDateTime = (iso: string | null | undefined): string => (iso ? dateTimeFormat.format(new Date(iso)) : '—');

/**
 * Reason codes per move as docs/referral.md lists them, used only until `GET /api/referral/v1/reason-codes`
 * answers (or against an older referral service without it). The API checks them either way.
 */
export const reasonCodesByMove: Record<string, string[]> = {
  rejected: ['hors-perimetre', 'plus-de-capacite', 'personne-injoignable', 'deja-accompagnee', 'refus-de-la-personne', 'autre'],
  failed: ['absent-au-rendez-vous', 'abandon', 'personne-injoignable', 'demenagement', 'besoin-non-couvert', 'autre'],
  cancelled: ['erreur-d-orientation', 'demande-de-la-personne', 'besoin-resolu', 'doublon', 'autre'],
  redirected: ['hors-perimetre', 'plus-de-capacite', 'service-plus-adapte', 'plus-proche-du-domicile', 'reaffectation-coordination', 'autre'],
  'on-hold': ['attente-de-la-personne', 'attente-d-un-equipement', 'attente-d-un-organisme', 'indisponibilite-du-service', 'autre'],
};
export const reasonRequired = new Set(['rejected', 'failed']);
