import { randomUUID } from 'node:crypto';
import { issuePersonRef } from '@relais/contracts';
import { eventually } from '@relais/testing';
import { asClient, asUser, clients, referralBody, serviceOf, START, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

interface PersonRecord {
  reference: string;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  phone: string | null;
  email: string | null;
  contactPreference: string;
  externalId: string | null;
  linkedVia: string;
}

/**
 * Persons get their reference from Relais, and only structures linked to a person may use it: the
 * attack the review found (choose someone's reference, become their "helper") must lead nowhere.
 */
describe('persons: references issued by Relais, usable only by linked structures', () => {
  let kit: ReferralKit;
  let caf: Caller;
  let cafSoftware: Caller;
  let cafColleague: Caller;
  let ccasVannes: Caller;
  let association: Caller;
  let pontivy: Caller;
  let coordinator: Caller;
  let admin: Caller;

  beforeAll(async () => {
    kit = await startReferralKit();
    [caf, cafSoftware, cafColleague, ccasVannes, association, pontivy, coordinator, admin] = await Promise.all([
      asUser(users.cafAgent),
      asClient(clients.cafIntegration),
      asUser(users.cafAgent2),
      asUser(users.ccasVannesAgent),
      asUser(users.associationAgent),
      asUser(users.pontivyAgent),
      asUser(users.coordVannes),
      asUser(users.admin),
    ]);
    await kit.seedDirectory([caf, ccasVannes, association, pontivy].map((c) => c.structureId ?? ''));
  });

  afterAll(() => kit.stop());

  const register = (caller: Caller | null, body: Record<string, unknown>) => kit.request<PersonRecord>('POST', '/v1/persons', caller, body);
  const jeanne = { firstName: 'Jeanne', lastName: 'Le Goff', birthDate: '1951-04-12', phone: '+33612345678', contactPreference: 'phone' };

  it('issues an opaque random reference, and the same externalId of the same structure names the same person', async () => {
    const externalId = `CAF56-${randomUUID().slice(0, 8)}`;
    const created = await register(cafSoftware, { ...jeanne, externalId });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...jeanne, externalId, linkedVia: 'registered', email: null });
    expect(created.body.reference).toMatch(/^p-[a-z2-7]{26}$/);
    expect(created.headers.get('location')).toBe(`/api/referral/v1/persons/${created.body.reference}`);

    const again = await register(caf, { firstName: 'Autre', lastName: 'Nom', externalId });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ reference: created.body.reference, firstName: 'Jeanne' });
    // The same file number at another structure is another person: numbering schemes never merge people.
    const elsewhere = await register(ccasVannes, { ...jeanne, externalId });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.reference).not.toBe(created.body.reference);
    // Two registrations without externalId are two persons, whatever their names.
    const [one, two] = await Promise.all([register(caf, jeanne), register(caf, jeanne)]);
    expect(one?.body.reference).not.toBe(two?.body.reference);
  });

  it('refuses bad registrations with the field named, and accounts without a structure', async () => {
    const missing = await register(caf, { firstName: 'Jeanne' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('lastName');
    const noPhone = await register(caf, { firstName: 'Jeanne', lastName: 'Le Goff', contactPreference: 'sms' });
    expect(noPhone.status).toBe(400);
    expect(JSON.stringify(noPhone.body)).toContain('person.phone');
    expect((await register(caf, { ...jeanne, birthDate: '2999-01-01' })).status).toBe(400);
    expect((await register(caf, { ...jeanne, reference: issuePersonRef() })).status).toBe(400);
    expect((await register(coordinator, jeanne)).status).toBe(403);
    expect((await register(admin, jeanne)).status).toBe(403);
    expect((await register(null, jeanne)).status).toBe(401);
  });

  it('lets only linked structures read the person, with their own file number only', async () => {
    const { body: person } = await register(caf, { ...jeanne, externalId: `CAF-${randomUUID().slice(0, 8)}` });
    expect((await kit.request('GET', `/v1/persons/${person.reference}`, cafColleague)).status).toBe(200);
    for (const stranger of [ccasVannes, association, pontivy, coordinator, admin]) {
      const seen = await kit.request('GET', `/v1/persons/${person.reference}`, stranger);
      expect([stranger.subject, seen.status]).toEqual([stranger.subject, stranger === coordinator || stranger === admin ? 403 : 404]);
    }
    // Referring the person links the receiver, which then reads them, without the sender's file number.
    await kit.create(caf, serviceOf(association.structureId ?? ''), { person: { reference: person.reference } });
    const received = await kit.request<PersonRecord>('GET', `/v1/persons/${person.reference}`, association);
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ firstName: 'Jeanne', externalId: null, linkedVia: 'referral-received' });
    const audit = await kit.request<{ items: Array<{ action: string; actor: { structureId: string } }> }>('GET', `/v1/audit?personReference=${person.reference}`, admin);
    expect(audit.body.items.filter((item) => item.action === 'read-person').map((item) => item.actor.structureId)).toEqual(
      expect.arrayContaining([caf.structureId, association.structureId]),
    );
  });

  it('answers an unlinked reference exactly as one that does not exist', async () => {
    const { body: person } = await register(caf, jeanne);
    const body = (reference: string) => referralBody(serviceOf(association.structureId ?? ''), { person: { reference } });
    const unlinked = await kit.request('POST', '/v1/referrals', ccasVannes, body(person.reference));
    const unknown = await kit.request('POST', '/v1/referrals', ccasVannes, body(issuePersonRef()));
    expect(unlinked.status).toBe(404);
    expect(unknown.status).toBe(404);
    const strip = (problem: Record<string, unknown>) => ({ ...problem, traceId: undefined, instance: undefined });
    expect(strip(unlinked.body)).toEqual(strip(unknown.body));
    for (const path of [`/v1/journeys/${person.reference}`, `/v1/persons/${person.reference}`]) {
      expect((await kit.request('GET', path, ccasVannes)).status).toBe(404);
    }
    expect((await kit.request('DELETE', `/v1/persons/${person.reference}`, ccasVannes)).status).toBe(404);
    // And the person's data is untouched by the attempts.
    expect((await kit.request<PersonRecord>('GET', `/v1/persons/${person.reference}`, caf)).body.firstName).toBe('Jeanne');
  });

  it('registers the person of a referral sent without a reference, and updates details sent with one', async () => {
    const created = await kit.request<{ personReference: string }>('POST', '/v1/referrals', caf, referralBody(serviceOf(association.structureId ?? '')));
    expect(created.status).toBe(201);
    const reference = created.body.personReference;
    expect(reference).toMatch(/^p-[a-z2-7]{26}$/);
    const later = await kit.request<{ id: string }>(
      'POST',
      '/v1/referrals',
      caf,
      referralBody(serviceOf(ccasVannes.structureId ?? ''), { person: { reference, email: 'jeanne.nouvelle@example.org', contactPreference: 'email' } }),
    );
    expect(later.status).toBe(201);
    const seen = await kit.request<{ person: Record<string, string> }>('GET', `/v1/referrals/${later.body.id}`, ccasVannes);
    expect(seen.body.person).toMatchObject({ reference, firstName: 'Jeanne', email: 'jeanne.nouvelle@example.org', contactPreference: 'email' });
    const incomplete = await kit.request('POST', '/v1/referrals', caf, referralBody(serviceOf(association.structureId ?? ''), { person: { firstName: 'Jeanne' } }));
    expect(incomplete.status).toBe(400);
    expect(JSON.stringify(incomplete.body)).toMatch(/person\.lastName/);
  });

  it('takes who recorded the consent from the token, never from the body', async () => {
    const forged = referralBody(serviceOf(association.structureId ?? ''));
    (forged['consent'] as Record<string, unknown>)['obtainedBy'] = 'someone-else';
    expect((await kit.request('POST', '/v1/referrals', caf, forged)).status).toBe(400);
    const id = await kit.create(caf, serviceOf(association.structureId ?? ''));
    const seen = await kit.request<{ consent: { obtainedBy: string } }>('GET', `/v1/referrals/${id}`, caf);
    const me = await kit.request<{ subject: string }>('GET', '/v1/me', caf);
    expect(seen.body.consent.obtainedBy).toBe(me.body.subject);
  });

  describe('assessments travel with a referral only from the structure that ran them, or was given them', () => {
    const assessed = async (by: Caller, personRef: string): Promise<string> => {
      const assessmentId = randomUUID();
      await kit.publish('fr.relais.diagnostic.assessment.completed.v1', {
        assessmentId,
        personRef,
        questionnaireVersion: '1',
        level: 'debutant',
        coopAutonomy: 'entierement-accompagne',
        rulesVersion: '1',
        barriers: ['handicap'],
        urgentProcedures: [],
        recommendedRoles: ['accompagnement'],
        communeCode: '56260',
        networkId: by.networkIds[0] ?? null,
        by: { role: 'agent', structureId: by.structureId, subject: by.subject },
        completedAt: START.toISOString(),
      });
      await eventually(async () => expect((await kit.db.query(`SELECT 1 FROM assessments WHERE assessment_id = $1`, [assessmentId])).rows).toHaveLength(1));
      return assessmentId;
    };
    const orient = (caller: Caller, to: Caller, reference: string, assessmentId: string, scope = ['contact', 'assessment']) =>
      kit.request<Record<string, unknown>>(
        'POST',
        '/v1/referrals',
        caller,
        referralBody(serviceOf(to.structureId ?? ''), { person: { reference }, assessmentId, consent: { scope, method: 'oral', obtainedAt: START.toISOString() } }),
      );

    it('links the structure that ran a diagnostic for a reference issued by the diagnostic', async () => {
      const reference = issuePersonRef();
      const assessmentId = await assessed(ccasVannes, reference);
      expect((await kit.request<PersonRecord>('GET', `/v1/persons/${reference}`, ccasVannes)).body.linkedVia).toBe('assessment');
      expect((await orient(ccasVannes, association, reference, assessmentId)).status).toBe(201);
    });

    it('refuses another structure’s assessment, another person’s, and one nobody has heard of (422 naming the field)', async () => {
      const { body: person } = await register(caf, jeanne);
      const { body: other } = await register(caf, jeanne);
      const theirs = await assessed(ccasVannes, (await register(ccasVannes, jeanne)).body.reference);
      const mine = await assessed(caf, person.reference);
      for (const [assessmentId, reference] of [
        [theirs, person.reference],
        [mine, other.reference],
        [randomUUID(), person.reference],
      ] as const) {
        const refused = await orient(caf, association, reference, assessmentId);
        expect(refused.status).toBe(422);
        expect(refused.body).toMatchObject({ errors: [expect.objectContaining({ field: 'assessmentId' })] });
      }
      expect((await orient(caf, association, person.reference, mine)).status).toBe(201);
    });

    it('lets a receiver pass on an assessment it was given with consent, and not once the consent is withdrawn', async () => {
      const { body: person } = await register(caf, jeanne);
      const assessmentId = await assessed(caf, person.reference);
      const withoutScope = await orient(caf, association, person.reference, assessmentId, ['contact']);
      expect(withoutScope.status).toBe(201);
      expect((await orient(association, pontivy, person.reference, assessmentId)).status).toBe(422);
      const given = await orient(caf, association, person.reference, assessmentId);
      expect(given.status).toBe(201);
      expect((await orient(association, pontivy, person.reference, assessmentId)).status).toBe(201);
      expect((await kit.request('POST', `/v1/referrals/${String(given.body['id'])}/consent/revocation`, caf)).status).toBe(200);
      expect((await orient(association, pontivy, person.reference, assessmentId)).status).toBe(422);
    });
  });
});
