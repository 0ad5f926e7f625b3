import { buildJourney, type JourneyReferral, type JourneyTransition } from './journey-builder';
import { journeyForStructure } from './journey-visibility';

const at = (iso: string) => new Date(iso);
const referral = (id: string, previousReferralId: string | null, overrides: Partial<JourneyReferral> = {}): JourneyReferral => ({
  id,
  previousReferralId,
  status: 'completed',
  sendingStructureId: 's-caf',
  receivingServiceId: `svc-${id}`,
  receivingStructureId: `s-${id}`,
  networkId: 'n-1',
  needs: ['numerique--demarches'],
  urgency: 'normal',
  acknowledgeDueAt: at('2026-11-25T00:00:00Z'),
  acknowledgedAt: at('2026-11-23T12:00:00Z'),
  createdAt: at('2026-11-23T10:00:00Z'),
  closedAt: at('2026-11-24T10:00:00Z'),
  outcomeAutonomyGained: 'partiel',
  outcomeNextStep: 'formation',
  ...overrides,
});
const move = (referralId: string, toStatus: JourneyTransition['toStatus'], iso: string): JourneyTransition => ({
  referralId,
  fromStatus: 'requested',
  toStatus,
  actorParty: 'receiver',
  actorRole: 'agent',
  actorStructureId: `s-${referralId}`,
  reasonCode: 'plus-proche-du-domicile',
  redirectedToReferralId: null,
  at: at(iso),
});

const journey = buildJourney(
  'p-aaaaaaaaaaaaaaaaaaaaaaaaaa',
  [{ assessmentId: 'a-1', level: 'debutant', barriers: ['handicap'], recommendedRoles: ['accompagnement'], networkId: 'n-1', structureId: 's-caf', completedAt: at('2026-11-23T09:00:00Z') }],
  [referral('r1', null), referral('r2', 'r1', { createdAt: at('2026-11-24T10:00:00Z'), closedAt: null, status: 'requested', outcomeAutonomyGained: null, outcomeNextStep: null })],
  [move('r1', 'redirected', '2026-11-24T10:00:00Z'), move('r2', 'requested', '2026-11-24T10:00:00Z')],
  at('2026-12-01T00:00:00Z'),
);

describe('journeyForStructure', () => {
  it('keeps in full the steps the reader may see', () => {
    const view = journeyForStructure(journey, { referralIds: new Set(['r1', 'r2']), assessmentIds: new Set(['a-1']) });
    expect(view).toEqual(journey);
  });

  it('reduces the other referrals to their existence, status and dates', () => {
    const view = journeyForStructure(journey, { referralIds: new Set(['r2']), assessmentIds: new Set() });
    const [r1, r2] = view.referrals;
    expect(r1).toMatchObject({
      id: 'r1',
      status: 'completed',
      nextReferralId: 'r2',
      createdAt: '2026-11-23T10:00:00.000Z',
      closedAt: '2026-11-24T10:00:00.000Z',
      sendingStructureId: null,
      receivingServiceId: null,
      receivingStructureId: null,
      networkId: null,
      needs: [],
      urgency: null,
      outcome: null,
      visibility: 'limited',
    });
    expect(r2).toMatchObject({ receivingStructureId: 's-r2', visibility: 'full' });
    const hidden = view.steps.find((step) => step.referralId === 'r1');
    expect(hidden).toEqual({ at: '2026-11-24T10:00:00.000Z', kind: 'transition', referralId: 'r1', from: 'requested', to: 'redirected', reasonCode: null });
    expect(view.steps.find((step) => step.referralId === 'r2')).toMatchObject({ reasonCode: 'plus-proche-du-domicile', by: { structureId: 's-r2' } });
  });

  it('never shows another structure’s diagnostic: barriers, level and roles go, the date stays', () => {
    const view = journeyForStructure(journey, { referralIds: new Set(), assessmentIds: new Set() });
    expect(view.assessments).toEqual([
      { assessmentId: 'a-1', level: null, barriers: [], recommendedRoles: [], networkId: null, structureId: null, completedAt: '2026-11-23T09:00:00.000Z', visibility: 'limited' },
    ]);
    expect(JSON.stringify(view)).not.toMatch(/handicap|debutant|formation|partiel|s-caf|plus-proche/);
  });

  it('keeps the kind and date of a break in a hidden step, never its detail', () => {
    const broken = buildJourney('p-aaaaaaaaaaaaaaaaaaaaaaaaaa', [], [referral('r1', null)], [], at('2026-12-01T00:00:00Z'));
    expect(broken.breaks[0]?.detail).toMatch(/formation/);
    const view = journeyForStructure(broken, { referralIds: new Set(), assessmentIds: new Set() });
    expect(view.breaks).toEqual([{ kind: 'next-step-not-referred', referralId: 'r1', at: '2026-11-24T10:00:00.000Z', detail: expect.not.stringMatching(/formation/) as unknown }]);
  });
});
