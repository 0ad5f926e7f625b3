import { randomUUID } from 'node:crypto';
import { eventually } from '@relais/testing';
import { SlaSweeper } from '../src/sla/sla-sweeper';
import { asUser, randomPersonRef, referralBody, serviceOf, START, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

interface Journey {
  personReference: string;
  assessments: Array<{ assessmentId: string; level: string }>;
  referrals: Array<{ id: string; status: string; previousReferralId: string | null; nextReferralId: string | null; timeInStatus: Array<{ status: string; durationMs: number }> }>;
  steps: Array<{ kind: string; to?: string; referralId?: string; assessmentId?: string }>;
  breaks: Array<{ kind: string; referralId: string }>;
}

describe('journeys (parcours) across agencies', () => {
  let kit: ReferralKit;
  let sender: Caller;
  let receiver: Caller;
  let nextReceiver: Caller;
  let coordinator: Caller;
  let outsider: Caller;
  let admin: Caller;
  const person = randomPersonRef();
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
    third = await kit.create(sender, serviceOf(receiver.structureId ?? ''), withPerson({ needs: ['numerique--prise-en-main'] }));
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
    const personOf = (reference: string) => ({ person: { ...(referralBody('x')['person'] as object), reference } });
    // A redirect the new service never acknowledges.
    const lost = randomPersonRef();
    const a = await kit.create(sender, serviceOf(receiver.structureId ?? ''), personOf(lost));
    await kit.move(receiver, a, 'received');
    const moved = await kit.move(receiver, a, 'redirected', { redirectToServiceId: serviceOf(nextReceiver.structureId ?? '') });
    const b = String(moved.body['redirectedToReferralId']);
    expect((await kit.request<Journey>('GET', `/v1/journeys/${lost}`, sender)).body.breaks).toEqual([]);
    // A step completed with a next step that nobody refers.
    const stranded = randomPersonRef();
    const c = await kit.create(sender, serviceOf(receiver.structureId ?? ''), personOf(stranded));
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

  it('shows the whole chain to the person’s later helpers, the network’s steps to coordinators, nothing to others', async () => {
    const helper = await kit.request<Journey>('GET', `/v1/journeys/${person}`, nextReceiver);
    expect(helper.body.referrals.map((r) => r.id)).toEqual([first, second, third]);
    const coordination = await kit.request<Journey>('GET', `/v1/journeys/${person}`, coordinator);
    expect(coordination.status).toBe(200);
    expect((await kit.request('GET', `/v1/journeys/${person}`, outsider)).status).toBe(404);
    expect((await kit.request('GET', `/v1/journeys/p-56-nobody-at-all`, sender)).status).toBe(404);
    expect((await kit.request('GET', `/v1/journeys/${person}`, null)).status).toBe(401);
    const audit = await kit.request<{ items: Array<{ action: string; personRef: string; fields: string[] }> }>('GET', `/v1/audit?personReference=${person}`, admin);
    expect(audit.body.items.filter((i) => i.action === 'read-journey').length).toBeGreaterThanOrEqual(4);
  });
});
