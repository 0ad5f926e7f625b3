/**
 * How much each criterion weighs in a candidate's score (points, about 0–100). Data, like the rules: a
 * network that prefers proximity over waiting time changes these numbers, not the ranking code.
 */
export const rankingWeights = {
  /** Points for serving the 1st, 2nd, 3rd… recommended role; later roles get the last value. */
  roleOrder: [40, 30, 22, 16, 10],
  /** Candidates kept per recommended role in the answer. */
  perRole: 3,
  /** Only the first recommended roles are searched (the agent acts on the first ones). */
  maxRoles: 4,
  distance: {
    /** Full points at 0 km, none at `maxKm`: beyond it a sur-place service is out of reach. */
    points: 25,
    maxKm: 40,
  },
  sameNetwork: 10,
  capacity: { openSlots: 8, full: -15 },
  waiting: { withinWeek: 6, withinThreeWeeks: 2, longer: -4, afterDeadline: -20 },
  modality: { comesToPerson: 10, remote: 5, onSiteOnlyWithMobilityBarrier: -12 },
  language: 8,
  publics: { match: 5, restrictedElsewhere: -10 },
  thematique: 3,
  aidantsConnectLabel: 5,
  acceptsRelaisReferrals: 3,
  opening: { openNowOrSoon: 4, windowHours: 48 },
  /** Rows scored before the opening hours (costlier) are read for the best of them. */
  openingShortlist: 12,
} as const;

export type RankingWeights = typeof rankingWeights;
