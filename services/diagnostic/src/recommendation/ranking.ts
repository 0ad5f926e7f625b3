import { distanceKm } from '../communes/commune-directory';
import type { Barrier, ServiceRole } from '../rules/rules.types';
import type { CandidateRow, RankedCandidate } from './candidate';
import { describeOpening, openingState } from './opening';
import { rankingWeights, type RankingWeights } from './ranking-weights';

export interface RankingRequest {
  /** Recommended roles, first the most important. */
  roles: ReadonlyArray<{ role: ServiceRole; label: string }>;
  /** The person's commune, where distances are measured from; null when unknown. */
  origin: { latitude: number; longitude: number; name: string } | null;
  personNetworkId: string | null;
  barriers: readonly Barrier[];
  /** Languages the person speaks (ISO 639 codes, French first). */
  languages: readonly string[];
  /** data·inclusion publics codes that describe the person. */
  publics: readonly string[];
  /** data·inclusion thématiques of the urgent procedures. */
  thematiques: readonly string[];
  /** Days left before the nearest urgent deadline; null without one. */
  nearestUrgentDaysLeft: number | null;
  now: Date;
}

const languageNames: Record<string, string> = {
  en: 'anglais',
  ar: 'arabe',
  es: 'espagnol',
  pt: 'portugais',
  tr: 'turc',
  ro: 'roumain',
  ru: 'russe',
  uk: 'ukrainien',
  fsl: 'langue des signes',
};

const COMES_TO_PERSON = ['a-domicile', 'itinerant'];

// One formatter for the process: toLocaleString builds a new one per call, which dominated the ranking.
const kilometres = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

interface Scored {
  row: CandidateRow;
  role: ServiceRole;
  roleIndex: number;
  distance: number | null;
  inPersonNetwork: boolean;
  score: number;
  /** [points, text]: sorted by weight for display. */
  reasons: Array<[number, string]>;
}

/**
 * Ranks the directory's services for the recommended roles. Pure: the rows come from one indexed query
 * (services with one of the roles, active, near the commune or in the person's network), the clock is a
 * parameter. Each candidate carries its reasons in plain French, most weighty first.
 */
export function rankCandidates(request: RankingRequest, rows: readonly CandidateRow[], weights: RankingWeights = rankingWeights): RankedCandidate[] {
  const roles = request.roles.slice(0, weights.maxRoles);
  const barriers = new Set(request.barriers);
  const needsDevice = barriers.has('equipement') || barriers.has('connexion');
  const mobility = barriers.has('mobilite');
  const spokenLanguages = request.languages.filter((l) => l !== 'fr');

  const best = new Map<string, Scored>();
  for (const row of rows) {
    const modalities = new Set(row.modalities);
    const comesToPerson = row.modalities.some((m) => COMES_TO_PERSON.includes(m));
    const remoteOnly = modalities.size > 0 && [...modalities].every((m) => m === 'a-distance');
    // Remote help needs a device and a connection the person may not have.
    if (remoteOnly && needsDevice) continue;
    const inPersonNetwork = request.personNetworkId !== null && row.networkIds.includes(request.personNetworkId);
    const distance =
      request.origin && row.latitude !== null && row.longitude !== null
        ? Math.round(distanceKm(request.origin, { latitude: row.latitude, longitude: row.longitude }) * 10) / 10
        : null;
    const reachable =
      (distance !== null && distance <= weights.distance.maxKm) || (inPersonNetwork && (comesToPerson || modalities.has('a-distance')));
    if (!reachable) continue;

    roles.forEach(({ role, label }, roleIndex) => {
      if (!row.roles.includes(role)) return;
      const reasons: Array<[number, string]> = [];
      const rolePoints = weights.roleOrder[Math.min(roleIndex, weights.roleOrder.length - 1)] ?? 0;
      let score = rolePoints;
      reasons.push([1000, `Rôle recommandé n°${roleIndex + 1} : ${label}`]);

      if (distance !== null && !remoteOnly) {
        const points = weights.distance.points * Math.max(0, 1 - distance / weights.distance.maxKm);
        score += points;
        reasons.push([points, distance < 1 ? `Dans la commune de la personne` : `À ${kilometres.format(distance)} km ${fromPlace(request.origin?.name)}`]);
      }
      if (inPersonNetwork) {
        score += weights.sameNetwork;
        reasons.push([weights.sameNetwork, 'Dans le réseau local de la personne']);
      }
      if (row.openSlotsPerWeek !== null) {
        if (row.openSlotsPerWeek > 0) {
          score += weights.capacity.openSlots;
          reasons.push([weights.capacity.openSlots, `${row.openSlotsPerWeek} créneau${row.openSlotsPerWeek > 1 ? 'x' : ''} libre${row.openSlotsPerWeek > 1 ? 's' : ''} par semaine`]);
        } else {
          score += weights.capacity.full;
          reasons.push([weights.capacity.full, 'Complet en ce moment (aucun créneau libre)']);
        }
      }
      if (row.waitingDays !== null) {
        const deadline = request.nearestUrgentDaysLeft;
        if (deadline !== null && row.waitingDays > deadline && (role === 'faire-a-la-place' || role === 'accompagnement')) {
          score += weights.waiting.afterDeadline;
          reasons.push([weights.waiting.afterDeadline, `Attente de ${row.waitingDays} jours, au-delà de la date limite (${Math.max(0, deadline)} jours)`]);
        } else if (row.waitingDays <= 7) {
          score += weights.waiting.withinWeek;
          reasons.push([weights.waiting.withinWeek, row.waitingDays === 0 ? 'Sans attente' : `Attente d’environ ${row.waitingDays} jour${row.waitingDays > 1 ? 's' : ''}`]);
        } else if (row.waitingDays <= 21) {
          score += weights.waiting.withinThreeWeeks;
          reasons.push([weights.waiting.withinThreeWeeks, `Attente d’environ ${row.waitingDays} jours`]);
        } else {
          score += weights.waiting.longer;
          reasons.push([weights.waiting.longer, `Attente longue (${row.waitingDays} jours)`]);
        }
      }
      if (mobility) {
        if (modalities.has('a-domicile')) {
          score += weights.modality.comesToPerson;
          reasons.push([weights.modality.comesToPerson, 'Se déplace au domicile : la personne se déplace difficilement']);
        } else if (modalities.has('itinerant')) {
          score += weights.modality.comesToPerson;
          reasons.push([weights.modality.comesToPerson, 'Service itinérant : vient près de chez la personne']);
        } else if (modalities.has('a-distance') && !needsDevice) {
          score += weights.modality.remote;
          reasons.push([weights.modality.remote, 'Possible à distance, sans se déplacer']);
        } else {
          score += weights.modality.onSiteOnlyWithMobilityBarrier;
          reasons.push([weights.modality.onSiteOnlyWithMobilityBarrier, 'Sur place uniquement, alors que se déplacer est difficile']);
        }
      }
      const sharedLanguages = spokenLanguages.filter((l) => row.languages.includes(l));
      if (barriers.has('langue') || barriers.has('handicap')) {
        if (sharedLanguages.length > 0) {
          score += weights.language;
          reasons.push([weights.language, `Accueil possible en ${sharedLanguages.map((l) => languageNames[l] ?? l).join(', ')}`]);
        }
      }
      const restricted = row.publics.filter((p) => p !== 'tous-publics');
      if (restricted.length > 0 && !row.publics.includes('tous-publics')) {
        const shared = restricted.filter((p) => request.publics.includes(p));
        if (shared.length > 0) {
          // A service for exactly this person (visual impairment AND disability) beats one that shares one trait.
          const points = weights.publics.match * Math.min(shared.length, 2);
          score += points;
          reasons.push([points, `Accueille en particulier ce public (${shared.join(', ')})`]);
        } else {
          score += weights.publics.restrictedElsewhere;
          reasons.push([weights.publics.restrictedElsewhere, `Réservé à d’autres publics (${restricted.join(', ')})`]);
        }
      }
      if (request.thematiques.some((t) => row.thematiques.includes(t))) {
        score += weights.thematique;
        reasons.push([weights.thematique, 'Aide à ce type de démarche']);
      }
      if (role === 'faire-a-la-place' && row.structureLabels.includes('aidants-connect')) {
        score += weights.aidantsConnectLabel;
        reasons.push([weights.aidantsConnectLabel, 'Structure habilitée Aidants Connect']);
      }
      if (row.acceptsRelaisReferrals) {
        score += weights.acceptsRelaisReferrals;
        reasons.push([weights.acceptsRelaisReferrals, 'Reçoit les orientations Relais (suivi de bout en bout)']);
      }

      const key = `${row.serviceId}|${role}`;
      const known = best.get(key);
      // One service has several lieux: the best-scoring one (usually the nearest) stands for it.
      if (!known || score > known.score) best.set(key, { row, role, roleIndex, distance, inPersonNetwork, score, reasons });
    });
  }

  const result: RankedCandidate[] = [];
  roles.forEach((_role, roleIndex) => {
    const forRole = [...best.values()].filter((s) => s.roleIndex === roleIndex).sort(byScore);
    // Opening hours are the costliest criterion: read them only for candidates that the bonus could
    // still bring into the top `perRole` (those below the last place minus the bonus never can).
    const cutoff = (forRole[weights.perRole - 1]?.score ?? -Infinity) - weights.opening.openNowOrSoon;
    const shortlist = forRole.slice(0, weights.openingShortlist).filter((candidate) => candidate.score >= cutoff);
    const openings = new Map<Scored, string | null>();
    for (const candidate of shortlist) {
      const state = openingState(candidate.row.openingHours, request.now, weights.opening.windowHours);
      if (!state) continue;
      if (state.openNow) {
        candidate.score += weights.opening.openNowOrSoon;
        candidate.reasons.push([weights.opening.openNowOrSoon, 'Ouvert en ce moment']);
      } else if (state.nextOpening) {
        candidate.score += weights.opening.openNowOrSoon;
        candidate.reasons.push([weights.opening.openNowOrSoon, `Ouvre ${describeOpening(state.nextOpening, request.now)}`]);
      }
      openings.set(candidate, state.nextOpening);
    }
    for (const candidate of shortlist.sort(byScore).slice(0, weights.perRole)) {
      const row = candidate.row;
      result.push({
        rank: result.length + 1,
        serviceId: row.serviceId,
        structureId: row.structureId,
        serviceName: row.serviceName,
        structureName: row.structureName,
        role: candidate.role,
        score: Math.round(candidate.score * 10) / 10,
        distanceKm: candidate.distance,
        lieu: row.lieuId && row.communeCode ? { lieuId: row.lieuId, communeCode: row.communeCode } : null,
        networkIds: row.networkIds,
        inPersonNetwork: candidate.inPersonNetwork,
        modalities: row.modalities,
        openSlotsPerWeek: row.openSlotsPerWeek,
        waitingDays: row.waitingDays,
        acceptsRelaisReferrals: row.acceptsRelaisReferrals,
        nextOpening: openings.get(candidate) ?? null,
        reasons: [...candidate.reasons].sort((a, b) => Math.abs(b[0]) - Math.abs(a[0])).map(([, text]) => text),
      });
    }
  });
  return result;
}

/** « de Vannes », « d’Auray », « de la commune ». */
function fromPlace(name: string | undefined): string {
  if (!name) return 'de la commune';
  return /^[aeiouyhàâéèêîôûœ]/i.test(name) ? `d’${name}` : `de ${name}`;
}

function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.row.serviceId.localeCompare(b.row.serviceId);
}
