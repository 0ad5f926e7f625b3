import { randomUUID } from 'node:crypto';
import { issuePersonRef } from '@relais/contracts';
import { eventually } from '@relais/testing';
import { SlaSweeper } from '../src/sla/sla-sweeper';
import { asUser, referralBody, serviceOf, START, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

interface Journey {
  personReference: string;
  assessments: Array<{ assessmentId: string; level: string | null; barriers: string[]; structureId: string | null; visibility: string }>;
  referrals: Array<{
    id: string;
    status: string;
    previousReferralId: string | null;
    nextReferralId: string | null;
    sendingStructureId: string | null;
    receivingStructureId: string | null;
    needs: string[];
    outcome: unknown;
    visibility: string;
    timeInStatus: Array<{ status: string; durationMs: number }>;
  }>;
  steps: Array<{ kind: string; to?: string; referralId?: string; assessmentId?: string; reasonCode?: string | null; by?: unknown }>;
  breaks: Array<{ kind: string; referralId: string; detail: string }>;
}

describe('journeys (parcours) across agencies', () => {
  let kit: ReferralKit;
  let sender: Caller;
  let receiver: Caller;
  let nextReceiver: Caller;
  let coordinator: Caller;
  let outsider: Caller;
  let admin: Caller;
  // The diagnostic issued this reference when the CAF assessed the person: the CAF is linked to them by it.
  const person = issuePersonRef();
  const assessmentId = randomUUID();
  let first: string;
  let second: string;
  let third: string;

  beforeAll(async () => {
    kit = await startReferralKit();
    [sender, receiver, nextReceiver, coordinator, outsider, admin] = await Promise.all([
      asUser(users.cafAgent),
      asUser(users.associationAgent),
      asUser(users.ccasLorientAgent),
      asUser(users.coordLorient),
      asUser(users.pontivyAgent),
      asUser(users.admin),
    ]);
    await kit.seedDirectory([sender.structureId ?? '', receiver.structureId ?? '', nextReceiver.structureId ?? '']);

    // The diagnostic service's event: the person was assessed at the CAF an hour before being referred.
    await kit.publish('fr.relais.diagnostic.assessment.completed.v1', {
      assessmentId,
      personRef: person,
      questionnaireVersion: '2026.1',
      level: 'debutant',
      coopAutonomy: 'entierement-accompagne',
      rulesVersion: '2026.1',
      barriers: ['confiance', 'vocabulaire-administratif'],
      urgentProcedures: [],
      recommendedRoles: ['accompagnement'],
      communeCode: '56260',
      networkId: sender.networkIds[0] ?? null,
      by: { role: 'agent', structureId: sender.structureId, subject: sender.subject },
      completedAt: new Date(START.getTime() - 3_600_000).toISOString(),
    });
    await eventually(async () => {
      const { rows } = await kit.db.query(`SELECT 1 FROM assessments WHERE assessment_id = $1`, [assessmentId]);
      expect(rows).toHaveLength(1);
    });

    const withPerson = (overrides: Record<string, unknown> = {}) => ({ person: { ...(referralBody('x')['person'] as object), reference: person }, assessmentId, ...overrides });
    // 1. Sent to the association, which redirects to the CCAS de Lorient…
    first = await kit.create(sender, serviceOf(receiver.structureId ?? ''), withPerson());
    kit.clock.advance(3_600_000);
    await kit.move(receiver, first, 'received');
    kit.clock.advance(3_600_000);
    const redirected = await kit.move(receiver, first, 'redirected', { redirectToServiceId: serviceOf(nextReceiver.structureId ?? ''), reasonCode: 'plus-proche-du-domicile' });
    second = String(redirected.body['redirectedToReferralId']);
    // 2. …where it is accepted and completed, with a next step (formation)…
    kit.clock.advanceDays(1);
    for (const status of ['received', 'accepted', 'in-progress']) {
      await kit.move(nextReceiver, second, status);
      kit.clock.advance(3_600_000);
    }
    await kit.move(nextReceiver, second, 'completed', { outcome: { autonomyGained: 'partiel', nextStep: 'formation', summary: 'Compte ameli créé' } });
    // 3. …which the CAF refers on, but nobody acknowledges it in time.
    kit.clock.advanceDays(1);
    third = await kit.create(sender, serviceOf(receiver.structureId ?? ''), withPerson({ needs: ['numerique--maitriser-les-fondamentaux-du-numerique'] }));
  });

  afterAll(() => kit.stop());

  it('tells the chain in time order: the assessment, every referral and transition, the time in each status', async () => {
    const { status, body } = await kit.request<Journey>('GET', `/v1/journeys/${person}`, sender);
    expect(status).toBe(200);
    expect(body.personReference).toBe(person);
    expect(body.assessments).toEqual([expect.objectContaining({ assessmentId, level: 'debutant' })]);
    expect(body.referrals.map((r) => [r.id, r.status, r.previousReferralId, r.nextReferralId])).toEqual([
      [first, 'redirected', null, second],
      [second, 'completed', first, null],
      [third, 'requested', null, null],
    ]);
    expect(body.steps.map((s) => (s.kind === 'assessment' ? 'assessment' : `${s.referralId === first ? 1 : s.referralId === second ? 2 : 3}:${s.to}`))).toEqual([
      'assessment',
      '1:requested',
      '1:received',
      '1:redirected',
      '2:requested',
      '2:received',
      '2:accepted',
      '2:in-progress',
      '2:completed',
      '3:requested',
    ]);
    expect(body.referrals[0]?.timeInStatus.map((s) => [s.status, s.durationMs])).toEqual([
      ['requested', 3_600_000],
      ['received', 3_600_000],
      ['redirected', 0],
    ]);
    expect(body.breaks).toEqual([]);
    expect(JSON.stringify(body)).not.toMatch(/Jeanne|Goff|\+336|ameli|Déclaration/);
  });

  it('marks the breaks of continuity: a redirect nobody picked up, a next step never referred, an expiry', async () => {
    const personOf = async (referralId: string) => String((await kit.request('GET', `/v1/referrals/${referralId}`, sender)).body['personReference']);
    // A redirect the new service never acknowledges.
    const a = await kit.create(sender, serviceOf(receiver.structureId ?? ''));
    const lost = await personOf(a);
    await kit.move(receiver, a, 'received');
    const moved = await kit.move(receiver, a, 'redirected', { redirectToServiceId: serviceOf(nextReceiver.structureId ?? '') });
    const b = String(moved.body['redirectedToReferralId']);
    expect((await kit.request<Journey>('GET', `/v1/journeys/${lost}`, sender)).body.breaks).toEqual([]);
    // A step completed with a next step that nobody refers.
    const c = await kit.create(sender, serviceOf(receiver.structureId ?? ''));
    const stranded = await personOf(c);
    for (const status of ['received', 'accepted', 'in-progress']) await kit.move(receiver, c, status);
    await kit.move(receiver, c, 'completed', { outcome: { nextStep: 'formation' } });

    kit.clock.advanceDays(31);
    await kit.service.app.get(SlaSweeper).sweep();
    const redirect = await kit.request<Journey>('GET', `/v1/journeys/${lost}`, coordinator);
    expect(redirect.body.breaks.map((x) => [x.kind, x.referralId])).toEqual([
      ['redirect-not-picked-up', b],
      ['expired', b],
    ]);
    const next = await kit.request<Journey>('GET', `/v1/journeys/${stranded}`, sender);
    expect(next.body.breaks.map((x) => [x.kind, x.referralId])).toEqual([['next-step-not-referred', c]]);
    // The main person's chain: the completed step was followed by the third referral, which has now expired.
    const main = await kit.request<Journey>('GET', `/v1/journeys/${person}`, sender);
    expect(main.body.breaks.map((x) => [x.kind, x.referralId])).toEqual([['expired', third]]);
  });

  it('shows a later helper its own step in full and of the others only that they exist, their status and dates', async () => {
    const helper = await kit.request<Journey>('GET', `/v1/journeys/${person}`, nextReceiver);
    expect(helper.status).toBe(200);
    expect(helper.body.referrals.map((r) => [r.id, r.status, r.visibility])).toEqual([
      [first, 'redirected', 'limited'],
      [second, 'completed', 'full'],
      [third, 'expired', 'limited'],
    ]);
    const [before, own] = helper.body.referrals;
    expect(before).toMatchObject({ sendingStructureId: null, receivingStructureId: null, needs: [], outcome: null, nextReferralId: second });
    expect(own).toMatchObject({ receivingStructureId: nextReceiver.structureId, outcome: { autonomyGained: 'partiel', nextStep: 'formation' } });
    // The CAF's diagnostic was never shared with the CCAS: it exists, nothing more.
    expect(helper.body.assessments).toEqual([expect.objectContaining({ assessmentId, level: null, barriers: [], structureId: null, visibility: 'limited' })]);
    const redirect = helper.body.steps.find((step) => step.referralId === first && step.to === 'redirected');
    expect(redirect).toMatchObject({ reasonCode: null });
    expect(redirect?.by).toBeUndefined();
    expect(JSON.stringify(helper.body)).not.toMatch(/confiance|plus-proche-du-domicile|prise-en-main/);
    // The receiver of the first step got the assessment with the person's consent: it sees it in full.
    const firstReceiver = await kit.request<Journey>('GET', `/v1/journeys/${person}`, receiver);
    expect(firstReceiver.body.assessments[0]).toMatchObject({ level: 'debutant', visibility: 'full' });
    expect(firstReceiver.body.referrals.map((r) => r.visibility)).toEqual(['full', 'limited', 'full']);
  });

  it('shows the steps the person shared along the journey (consent scope journey) in full to every linked structure', async () => {
    const shared = await kit.create(sender, serviceOf(receiver.structureId ?? ''), {
      consent: { scope: ['contact', 'journey'], method: 'oral', obtainedAt: START.toISOString() },
    });
    const reference = String((await kit.request('GET', `/v1/referrals/${shared}`, sender)).body['personReference']);
    await kit.move(receiver, shared, 'received');
    const moved = await kit.move(receiver, shared, 'redirected', { redirectToServiceId: serviceOf(nextReceiver.structureId ?? ''), reasonCode: 'plus-proche-du-domicile' });
    const onward = await kit.request<Journey>('GET', `/v1/journeys/${reference}`, nextReceiver);
    expect(onward.body.referrals.map((r) => [r.id, r.visibility])).toEqual([
      [shared, 'full'],
      [String(moved.body['redirectedToReferralId']), 'full'],
    ]);
    expect(onward.body.referrals[0]).toMatchObject({ sendingStructureId: sender.structureId, receivingStructureId: receiver.structureId });
  });

  it('shows the network’s steps to coordinators, every step to the admin, nothing to others', async () => {
    const coordination = await kit.request<Journey>('GET', `/v1/journeys/${person}`, coordinator);
    expect(coordination.status).toBe(200);
    expect(JSON.stringify(coordination.body)).not.toMatch(/Jeanne|Goff|\+336/);
    const department = await kit.request<Journey>('GET', `/v1/journeys/${person}`, admin);
    expect(department.body.referrals.map((r) => r.id)).toEqual([first, second, third]);
    expect((await kit.request('GET', `/v1/journeys/${person}`, outsider)).status).toBe(404);
    expect((await kit.request('GET', `/v1/journeys/${issuePersonRef()}`, sender)).status).toBe(404);
    expect((await kit.request('GET', `/v1/journeys/${person}`, null)).status).toBe(401);
    const audit = await kit.request<{ items: Array<{ action: string; personRef: string; fields: string[] }> }>('GET', `/v1/audit?personReference=${person}`, admin);
    expect(audit.body.items.filter((i) => i.action === 'read-journey').length).toBeGreaterThanOrEqual(6);
  });
});
