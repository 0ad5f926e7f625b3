import type { Commune } from '../communes/commune-directory';
import type { AutonomyProfile } from '../rules/engine';
import type { CandidateRow, RankedCandidate } from './candidate';
import { rankCandidates, type RankingRequest } from './ranking';
import type { RankingWeights } from './ranking-weights';
import { rankingWeights } from './ranking-weights';

/** The ranking request a profile makes, for a person living in `commune`, in réseau local `networkId`. */
export function rankingRequest(profile: AutonomyProfile, commune: Commune | undefined, networkId: string | null, now: Date): RankingRequest {
  return {
    roles: profile.recommendedRoles.map((r) => ({ role: r.role, label: r.label })),
    origin: commune ? { latitude: commune.latitude, longitude: commune.longitude, name: commune.name } : null,
    personNetworkId: networkId,
    barriers: profile.barriers.map((b) => b.barrier),
    languages: profile.matching.languages,
    publics: profile.matching.publics,
    thematiques: profile.matching.thematiques,
    nearestUrgentDaysLeft: profile.matching.nearestUrgentDaysLeft,
    now,
  };
}

export function recommendServices(
  profile: AutonomyProfile,
  commune: Commune | undefined,
  networkId: string | null,
  rows: readonly CandidateRow[],
  now: Date,
  weights: RankingWeights = rankingWeights,
): RankedCandidate[] {
  return rankCandidates(rankingRequest(profile, commune, networkId, now), rows, weights);
}
