import { buildJourney, type JourneyReferral, type JourneyTransition } from './journey-builder';

const t = (iso: string) => new Date(iso);
const referral = (overrides: Partial<JourneyReferral> & Pick<JourneyReferral, 'id' | 'status' | 'createdAt'>): JourneyReferral => ({
  previousReferralId: null,
  sendingStructureId: 's-caf',
  receivingServiceId: 'svc-1',
  receivingStructureId: 's-asso',
  networkId: 'n-1',
  needs: ['numerique--demarches'],
  urgency: 'normal',
  acknowledgeDueAt: new Date(overrides.createdAt.getTime() + 2 * 86_400_000),
  acknowledgedAt: null,
  closedAt: null,
  outcomeAutonomyGained: null,
  outcomeNextStep: null,
  ...overrides,
});
const move = (referralId: string, fromStatus: JourneyTransition['fromStatus'], toStatus: JourneyTransition['toStatus'], at: string): JourneyTransition => ({
  referralId,
  fromStatus,
  toStatus,
  actorParty: 'receiver',
  actorRole: 'agent',
  actorStructureId: 's-asso',
  reasonCode: null,
  redirectedToReferralId: null,
  at: t(at),
});
const now = t('2026-12-01T00:00:00Z');

describe('buildJourney', () => {
  it('orders assessments and transitions in time and measures each stay', () => {
    const journey = buildJourney(
      'p-0001-abcd',
      [{ assessmentId: 'a1', level: 'debutant', barriers: [], recommendedRoles: ['formation'], networkId: 'n-1', structureId: 's-caf', completedAt: t('2026-11-02T09:00:00Z') }],
      [referral({ id: 'r1', status: 'in-progress', createdAt: t('2026-11-02T10:00:00Z'), acknowledgedAt: t('2026-11-03T10:00:00Z') })],
      [
        move('r1', 'accepted', 'in-progress', '2026-11-04T10:00:00Z'),
        move('r1', 'draft', 'requested', '2026-11-02T10:00:00Z'),
        move('r1', 'requested', 'received', '2026-11-03T10:00:00Z'),
        move('r1', 'received', 'accepted', '2026-11-03T12:00:00Z'),
      ],
      now,
    );
    expect(journey.steps.map((s) => s.kind === 'assessment' ? 'assessment' : s.to)).toEqual(['assessment', 'requested', 'received', 'accepted', 'in-progress']);
    expect(journey.referrals[0]?.timeInStatus.map((s) => [s.status, s.durationMs])).toEqual([
      ['requested', 86_400_000],
      ['received', 2 * 3_600_000],
      ['accepted', 22 * 3_600_000],
      ['in-progress', now.getTime() - t('2026-11-04T10:00:00Z').getTime()],
    ]);
    expect(journey.breaks).toEqual([]);
  });

  it('marks expiries, failures, refusals nobody followed up, redirects nobody picked up and next steps never referred', () => {
    const journey = buildJourney(
      'p-0001-abcd',
      [],
      [
        referral({ id: 'expired', status: 'expired', createdAt: t('2026-10-01T10:00:00Z'), closedAt: t('2026-10-31T10:00:00Z') }),
        referral({ id: 'failed', status: 'failed', createdAt: t('2026-10-02T10:00:00Z'), closedAt: t('2026-10-20T10:00:00Z') }),
        referral({ id: 'redirected', status: 'redirected', createdAt: t('2026-11-01T10:00:00Z'), closedAt: t('2026-11-02T10:00:00Z') }),
        referral({ id: 'after-redirect', status: 'requested', previousReferralId: 'redirected', createdAt: t('2026-11-02T10:00:00Z') }),
        referral({ id: 'completed', status: 'completed', createdAt: t('2026-11-10T10:00:00Z'), closedAt: t('2026-11-20T10:00:00Z'), outcomeNextStep: 'formation' }),
        referral({ id: 'rejected', status: 'rejected', createdAt: t('2026-11-21T10:00:00Z'), closedAt: t('2026-11-22T10:00:00Z') }),
      ],
      [],
      now,
    );
    expect(journey.breaks.map((b) => [b.kind, b.referralId])).toEqual([
      ['failed', 'failed'],
      ['expired', 'expired'],
      ['redirect-not-picked-up', 'after-redirect'],
      ['rejected-without-follow-up', 'rejected'],
    ]);
    // The completed step's next step was followed by the later (rejected) referral: no break for it.
    expect(journey.referrals.find((r) => r.id === 'redirected')?.nextReferralId).toBe('after-redirect');
  });

  it('sees a next step never referred, and a redirect picked up as no break', () => {
    const journey = buildJourney(
      'p-0001-abcd',
      [],
      [
        referral({ id: 'redirected', status: 'redirected', createdAt: t('2026-11-01T10:00:00Z'), closedAt: t('2026-11-02T10:00:00Z') }),
        referral({ id: 'next', status: 'completed', previousReferralId: 'redirected', createdAt: t('2026-11-02T10:00:00Z'), acknowledgedAt: t('2026-11-03T10:00:00Z'), closedAt: t('2026-11-20T10:00:00Z'), outcomeNextStep: 'accompagnement' }),
      ],
      [],
      now,
    );
    expect(journey.breaks.map((b) => [b.kind, b.referralId])).toEqual([['next-step-not-referred', 'next']]);
  });
});
