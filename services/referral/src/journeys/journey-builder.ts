import type { ReferralStatus } from '@relais/contracts';
import { isEndState } from '../referral-model/referral-lifecycle';

export interface JourneyAssessment {
  assessmentId: string;
  level: string;
  barriers: string[];
  recommendedRoles: string[];
  networkId: string | null;
  structureId: string | null;
  completedAt: Date;
}

export interface JourneyReferral {
  id: string;
  previousReferralId: string | null;
  status: ReferralStatus;
  sendingStructureId: string;
  receivingServiceId: string;
  receivingStructureId: string;
  networkId: string | null;
  needs: string[];
  urgency: string;
  acknowledgeDueAt: Date;
  acknowledgedAt: Date | null;
  createdAt: Date;
  closedAt: Date | null;
  outcomeAutonomyGained: string | null;
  outcomeNextStep: string | null;
}

export interface JourneyTransition {
  referralId: string;
  fromStatus: ReferralStatus;
  toStatus: ReferralStatus;
  actorParty: string;
  actorRole: string;
  actorStructureId: string | null;
  reasonCode: string | null;
  redirectedToReferralId: string | null;
  at: Date;
}

export const breakKinds = ['expired', 'failed', 'rejected-without-follow-up', 'redirect-not-picked-up', 'next-step-not-referred'] as const;
export type BreakKind = (typeof breakKinds)[number];

export interface ContinuityBreak {
  kind: BreakKind;
  referralId: string;
  at: string;
  /** What was not done, in French, for the coordinator's eyes. */
  detail: string;
}

export interface StatusStay {
  status: ReferralStatus;
  from: string;
  /** null while the referral is still in this status. */
  to: string | null;
  durationMs: number;
}

export interface JourneyStep {
  at: string;
  kind: 'assessment' | 'transition';
  assessmentId?: string;
  referralId?: string;
  from?: ReferralStatus;
  to?: ReferralStatus;
  reasonCode?: string | null;
  by?: { party: string; role: string; structureId: string | null };
}

/** `limited`: only that the step exists, its status and dates (see journey-visibility.ts). */
export type Visibility = 'full' | 'limited';

export interface Journey {
  personReference: string;
  assessments: Array<{
    assessmentId: string;
    level: string | null;
    barriers: string[];
    recommendedRoles: string[];
    networkId: string | null;
    structureId: string | null;
    completedAt: string;
    visibility: Visibility;
  }>;
  referrals: Array<{
    id: string;
    previousReferralId: string | null;
    nextReferralId: string | null;
    status: ReferralStatus;
    sendingStructureId: string | null;
    receivingServiceId: string | null;
    receivingStructureId: string | null;
    networkId: string | null;
    needs: string[];
    urgency: string | null;
    visibility: Visibility;
    createdAt: string;
    closedAt: string | null;
    outcome: { autonomyGained: string | null; nextStep: string | null } | null;
    timeInStatus: StatusStay[];
  }>;
  /** Assessments and every transition of every referral, in time order. */
  steps: JourneyStep[];
  breaks: ContinuityBreak[];
}

/**
 * A person's parcours across agencies, from the pseudonymous rows alone (no direct identifier, no free
 * text), with the places where the continuity of accompaniment broke. Pure: the service loads, this decides.
 */
export function buildJourney(
  personReference: string,
  assessments: JourneyAssessment[],
  referrals: JourneyReferral[],
  transitions: JourneyTransition[],
  now: Date,
): Journey {
  const byTime = <T>(at: (item: T) => Date) => (a: T, b: T) => at(a).getTime() - at(b).getTime();
  const orderedReferrals = [...referrals].sort(byTime((r) => r.createdAt));
  const orderedTransitions = [...transitions].sort(byTime((t) => t.at));
  const nextOf = new Map<string, string>();
  for (const referral of orderedReferrals) if (referral.previousReferralId) nextOf.set(referral.previousReferralId, referral.id);

  const steps: Array<JourneyStep & { time: number }> = [
    ...assessments.map((a) => ({ time: a.completedAt.getTime(), at: a.completedAt.toISOString(), kind: 'assessment' as const, assessmentId: a.assessmentId })),
    ...orderedTransitions.map((t) => ({
      time: t.at.getTime(),
      at: t.at.toISOString(),
      kind: 'transition' as const,
      referralId: t.referralId,
      from: t.fromStatus,
      to: t.toStatus,
      reasonCode: t.reasonCode,
      by: { party: t.actorParty, role: t.actorRole, structureId: t.actorStructureId },
    })),
  ];
  // At one instant, what closes a step comes before the referral it opens (a redirect and its new referral).
  const rank = (step: JourneyStep) => (step.kind === 'assessment' ? 0 : step.to === 'requested' ? 2 : 1);
  steps.sort((a, b) => a.time - b.time || rank(a) - rank(b));

  const breaks: ContinuityBreak[] = [];
  const byId = new Map(orderedReferrals.map((r) => [r.id, r]));
  for (const referral of orderedReferrals) {
    const closedAt = (referral.closedAt ?? now).toISOString();
    const laterReferral = (after: Date) => orderedReferrals.some((other) => other.id !== referral.id && other.createdAt.getTime() >= after.getTime());
    switch (referral.status) {
      case 'expired':
        breaks.push({ kind: 'expired', referralId: referral.id, at: closedAt, detail: "Personne n'a accusé réception de l'orientation dans le délai." });
        break;
      case 'failed':
        breaks.push({ kind: 'failed', referralId: referral.id, at: closedAt, detail: "L'accompagnement n'a pas abouti." });
        break;
      case 'rejected':
        if (referral.closedAt && !laterReferral(referral.closedAt)) {
          breaks.push({ kind: 'rejected-without-follow-up', referralId: referral.id, at: closedAt, detail: "L'orientation a été refusée et aucune autre n'a suivi." });
        }
        break;
      case 'redirected': {
        const next = byId.get(nextOf.get(referral.id) ?? '');
        const notPickedUp =
          next !== undefined &&
          next.acknowledgedAt === null &&
          (next.status === 'expired' || next.status === 'cancelled' || (next.status === 'requested' && now.getTime() > next.acknowledgeDueAt.getTime()));
        if (notPickedUp) {
          breaks.push({ kind: 'redirect-not-picked-up', referralId: next.id, at: (next.closedAt ?? next.acknowledgeDueAt).toISOString(), detail: 'La réorientation n’a pas été prise en compte par le nouveau service.' });
        }
        break;
      }
      case 'completed':
        if (referral.outcomeNextStep && referral.closedAt && !laterReferral(referral.closedAt)) {
          breaks.push({
            kind: 'next-step-not-referred',
            referralId: referral.id,
            at: closedAt,
            detail: `Une étape suivante (« ${referral.outcomeNextStep} ») a été proposée mais aucune orientation ne l'a suivie.`,
          });
        }
        break;
      case 'draft':
      case 'requested':
      case 'received':
      case 'accepted':
      case 'in-progress':
      case 'on-hold':
      case 'cancelled':
        break;
    }
  }
  breaks.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  return {
    personReference,
    assessments: [...assessments]
      .sort(byTime((a) => a.completedAt))
      .map((a) => ({ ...a, completedAt: a.completedAt.toISOString(), visibility: 'full' as const })),
    referrals: orderedReferrals.map((referral) => ({
      id: referral.id,
      previousReferralId: referral.previousReferralId,
      nextReferralId: nextOf.get(referral.id) ?? null,
      status: referral.status,
      sendingStructureId: referral.sendingStructureId,
      receivingServiceId: referral.receivingServiceId,
      receivingStructureId: referral.receivingStructureId,
      networkId: referral.networkId,
      needs: referral.needs,
      urgency: referral.urgency,
      visibility: 'full' as const,
      createdAt: referral.createdAt.toISOString(),
      closedAt: referral.closedAt?.toISOString() ?? null,
      outcome: referral.outcomeAutonomyGained || referral.outcomeNextStep ? { autonomyGained: referral.outcomeAutonomyGained, nextStep: referral.outcomeNextStep } : null,
      timeInStatus: stays(orderedTransitions.filter((t) => t.referralId === referral.id), now),
    })),
    steps: steps.map(({ time: _time, ...step }) => step),
    breaks,
  };
}

/** How long the referral stayed in each status, from its history; the current stay runs until now, an end status lasts no time. */
export function stays(history: JourneyTransition[], now: Date): StatusStay[] {
  return history.map((transition, index) => {
    const next = history[index + 1];
    const end = next ? next.at : isEndState(transition.toStatus) ? transition.at : null;
    return {
      status: transition.toStatus,
      from: transition.at.toISOString(),
      to: end ? end.toISOString() : null,
      durationMs: ((end ?? now).getTime() - transition.at.getTime()),
    };
  });
}
