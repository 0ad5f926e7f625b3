import type { Count } from './reporting-api';

/** How the pages write the API's figures; « < 5 » where the API withheld a figure computed on fewer than 5 people. */
const integer = new Intl.NumberFormat('fr-FR');
const percent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

export const WITHHELD = '< 5';

export const formatCount = (n: Count): string => (n === null ? WITHHELD : integer.format(n));
export const formatRate = (r: number | null): string => (r === null ? '—' : percent.format(r));

/** Hours under two days, days beyond: « 5 h », « 3,5 j ». */
export function formatHours(hours: number | null): string {
  if (hours === null) return '—';
  return hours < 48 ? `${decimal.format(hours)} h` : `${decimal.format(hours / 24)} j`;
}

export const stageLabels: Record<string, string> = {
  requested: 'Envoyées',
  received: 'Réception accusée',
  accepted: 'Acceptées',
  'in-progress': 'Accompagnement commencé',
  completed: 'Clôturées',
  rejected: 'Refusées',
  redirected: 'Réorientées',
  cancelled: 'Annulées',
  expired: 'Expirées',
  failed: 'En échec',
};

export const breakKindLabels: Record<string, string> = {
  expired: 'Expirée sans réponse',
  failed: 'Accompagnement en échec',
  'redirect-not-picked-up': 'Réorientation restée sans réponse',
  'next-step-not-referred': 'Suite proposée jamais orientée',
  'rejected-without-follow-up': 'Refus sans nouvelle orientation',
  total: 'Total des ruptures',
};

export const measureLabels: Record<string, string> = {
  acknowledgement: 'Accusé de réception',
  acceptance: 'Acceptation',
  firstContact: 'Premier contact',
  completion: 'Fin de l’accompagnement',
};
