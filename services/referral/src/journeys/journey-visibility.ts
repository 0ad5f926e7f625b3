import type { ContinuityBreak, Journey } from './journey-builder';

export interface VisibleParts {
  /** Referrals shown in full: the reader took part in them, or the person shared them along the journey. */
  referralIds: ReadonlySet<string>;
  /** Assessments shown in full: the reader's structure ran them, or received them with the person's consent. */
  assessmentIds: ReadonlySet<string>;
}

const limitedBreakDetail: Record<ContinuityBreak['kind'], string> = {
  expired: "Personne n'a accusé réception de l'orientation dans le délai.",
  failed: "L'accompagnement n'a pas abouti.",
  'rejected-without-follow-up': "L'orientation a été refusée et aucune autre n'a suivi.",
  'redirect-not-picked-up': 'La réorientation n’a pas été prise en compte par le nouveau service.',
  'next-step-not-referred': 'Une étape suivante a été proposée mais aucune orientation ne l’a suivie.',
};

/**
 * A structure's view of a parcours: the steps it took part in (and those the person chose to share
 * along their journey) in full; of the others, only that they exist, their status and their dates —
 * never another structure's identity, needs, reasons, outcome or diagnostic. Pure, so each cell of the
 * rule is unit-tested.
 */
export function journeyForStructure(journey: Journey, visible: VisibleParts): Journey {
  const fullReferral = (id: string | undefined) => id !== undefined && visible.referralIds.has(id);
  return {
    ...journey,
    assessments: journey.assessments.map((assessment) =>
      visible.assessmentIds.has(assessment.assessmentId)
        ? assessment
        : {
            assessmentId: assessment.assessmentId,
            level: null,
            barriers: [],
            recommendedRoles: [],
            networkId: null,
            structureId: null,
            completedAt: assessment.completedAt,
            visibility: 'limited' as const,
          },
    ),
    referrals: journey.referrals.map((referral) =>
      fullReferral(referral.id)
        ? referral
        : {
            ...referral,
            sendingStructureId: null,
            receivingServiceId: null,
            receivingStructureId: null,
            networkId: null,
            needs: [],
            urgency: null,
            outcome: null,
            visibility: 'limited' as const,
          },
    ),
    steps: journey.steps.map((step) => {
      if (step.kind === 'transition' && !fullReferral(step.referralId)) {
        const { by: _by, ...rest } = step;
        return { ...rest, reasonCode: null };
      }
      return step;
    }),
    breaks: journey.breaks.map((item) => (fullReferral(item.referralId) ? item : { ...item, detail: limitedBreakDetail[item.kind] })),
  };
}
