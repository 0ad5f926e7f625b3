import { eventually } from '@relais/testing';
import { asUser, referralBody, referralEvents, serviceOf, serviceSnapshot, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

describe('referral lifecycle over HTTP (real Postgres, Kafka, identity provider)', () => {
  let kit: ReferralKit;
  let sender: Caller;
  let receiver: Caller;
  let coordinator: Caller;
  let receivingService: string;
  let otherLorientService: string;

  beforeAll(async () => {
    kit = await startReferralKit();
    [sender, receiver, coordinator] = await Promise.all([asUser(users.cafAgent), asUser(users.associationAgent), asUser(users.coordLorient)]);
    const ccasLorient = await asUser(users.ccasLorientAgent);
    receivingService = serviceOf(receiver.structureId ?? '');
    otherLorientService = serviceOf(ccasLorient.structureId ?? '');
    await kit.seedDirectory([sender.structureId ?? '', receiver.structureId ?? '', ccasLorient.structureId ?? '']);
  });

  afterAll(() => kit.stop());

  const walk = async (id: string, steps: Array<[Caller, string, Record<string, unknown>?]>) => {
    for (const [caller, status, extra] of steps) {
      const result = await kit.move(caller, id, status, extra);
      expect({ status, code: result.status, body: result.body }).toMatchObject({ status, code: 200, body: { status } });
    }
  };

  it('creates a referral in `requested` with its deadlines', async () => {
    const created = await kit.request('POST', '/v1/referrals', sender, {
      receivingServiceId: receivingService,
      person: { firstName: 'Jeanne', lastName: 'Le Goff', phone: '+33612345678', email: 'jeanne@example.org', contactPreference: 'phone' },
      reason: 'Aide pour la déclaration de revenus',
      needs: ['numerique--acceder-a-des-services-en-ligne'],
      urgency: 'urgent',
      consent: { scope: ['contact', 'reason'], method: 'oral', obtainedAt: '2026-11-23T09:00:00Z' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'requested',
      personReference: expect.stringMatching(/^p-[a-z2-7]{26}$/),
      receivingServiceId: receivingService,
      // Monday 23 November 10:00 in Paris: acknowledgement by the end of Wednesday, first contact by the end of 7 December.
      acknowledgeDueAt: '2026-11-25T23:00:00.000Z',
      firstContactDueAt: '2026-12-07T23:00:00.000Z',
    });
    expect(created.headers.get('location')).toBe(`/api/referral/v1/referrals/${String(created.body['id'])}`);
  });

  it('walks the happy path to completed, with an outcome the sender sees, and publishes each step', async () => {
    const id = await kit.create(sender, receivingService);
    await walk(id, [
      [receiver, 'received'],
      [receiver, 'accepted'],
      [receiver, 'in-progress'],
      [receiver, 'on-hold', { reasonCode: 'attente-d-un-equipement', comment: 'En attente de la tablette prêtée' }],
      [receiver, 'in-progress'],
      [receiver, 'completed', { outcome: { summary: 'Déclaration faite ensemble', autonomyGained: 'partiel', nextStep: 'formation' } }],
    ]);
    const seen = await kit.request<{ status: string; outcome: Record<string, unknown>; history: Array<Record<string, unknown>>; allowedTransitions: string[] }>(
      'GET',
      `/v1/referrals/${id}`,
      sender,
    );
    expect(seen.body.status).toBe('completed');
    expect(seen.body.outcome).toEqual({ summary: 'Déclaration faite ensemble', autonomyGained: 'partiel', nextStep: 'formation' });
    expect(seen.body.allowedTransitions).toEqual([]);
    expect(seen.body.history.map((line) => `${String(line['from'])}→${String(line['to'])}`)).toEqual([
      'draft→requested',
      'requested→received',
      'received→accepted',
      'accepted→in-progress',
      'in-progress→on-hold',
      'on-hold→in-progress',
      'in-progress→completed',
    ]);
    expect(seen.body.history[4]).toMatchObject({
      by: { party: 'receiver', role: 'agent', structureId: receiver.structureId, subject: receiver.subject },
      reasonCode: 'attente-d-un-equipement',
      comment: 'En attente de la tablette prêtée',
    });

    const events = await referralEvents(kit, id, 7);
    expect(events.map((e) => e.type.replace('fr.relais.referral.referral.', ''))).toEqual([
      'requested.v1',
      'received.v1',
      'accepted.v1',
      'started.v1',
      'put-on-hold.v1',
      'resumed.v1',
      'completed.v1',
    ]);
    expect(events[6]?.payload['outcome']).toEqual({ summary: null, autonomyGained: 'partiel', nextStep: 'formation' });
    const wire = JSON.stringify(events);
    for (const secret of ['Jeanne', 'Goff', '+33612345678', 'jeanne.legoff', 'Déclaration', 'tablette']) expect(wire).not.toContain(secret);
  });

  it.each([
    ['rejected from received', [['received'], ['rejected', { reasonCode: 'plus-de-capacite' }]]],
    ['failed from accepted (absent au rendez-vous)', [['received'], ['accepted'], ['failed', { reasonCode: 'absent-au-rendez-vous' }]]],
    ['failed from in-progress', [['received'], ['accepted'], ['in-progress'], ['failed', { reasonCode: 'abandon' }]]],
    ['failed from on-hold', [['received'], ['accepted'], ['in-progress'], ['on-hold'], ['failed', { reasonCode: 'personne-injoignable' }]]],
  ] as const)('lets the receiver end it: %s', async (_label, steps) => {
    const id = await kit.create(sender, receivingService);
    await walk(id, steps.map(([status, extra]) => [receiver, status, extra] as [Caller, string, Record<string, unknown>?]));
  });

  it.each([
    ['requested', []],
    ['received', ['received']],
    ['accepted', ['received', 'accepted']],
    ['in-progress', ['received', 'accepted', 'in-progress']],
    ['on-hold', ['received', 'accepted', 'in-progress', 'on-hold']],
  ] as const)('lets the sender cancel from %s', async (_label, before) => {
    const id = await kit.create(sender, receivingService);
    await walk(id, [...before.map((status) => [receiver, status] as [Caller, string]), [sender, 'cancelled', { reasonCode: 'besoin-resolu' }]]);
  });

  it('redirects: the receiver to another service, creating a linked referral for the same person', async () => {
    const id = await kit.create(sender, receivingService);
    await walk(id, [[receiver, 'received']]);
    const moved = await kit.move(receiver, id, 'redirected', { redirectToServiceId: otherLorientService, reasonCode: 'service-plus-adapte' });
    expect(moved.status).toBe(200);
    const nextId = String(moved.body['redirectedToReferralId']);
    const next = await kit.request('GET', `/v1/referrals/${nextId}`, sender);
    expect(next.body).toMatchObject({ status: 'requested', previousReferralId: id, receivingServiceId: otherLorientService, sendingStructureId: sender.structureId });
    const original = await kit.request<{ personReference: string }>('GET', `/v1/referrals/${id}`, sender);
    expect(next.body['personReference']).toBe(original.body.personReference);
  });

  it('lets a coordinator reassign within its network, from requested or received, and nowhere else', async () => {
    const fromRequested = await kit.create(sender, receivingService);
    expect((await kit.move(coordinator, fromRequested, 'redirected', { redirectToServiceId: otherLorientService, reasonCode: 'reaffectation-coordination' })).status).toBe(200);
    const fromReceived = await kit.create(sender, receivingService);
    await walk(fromReceived, [[receiver, 'received']]);
    expect((await kit.move(coordinator, fromReceived, 'redirected', { redirectToServiceId: otherLorientService })).status).toBe(200);
    const other = await kit.create(sender, receivingService);
    const outside = await kit.move(coordinator, other, 'redirected', { redirectToServiceId: serviceOf(sender.structureId ?? '') });
    expect(outside.status).toBe(403);
    // Acknowledging is the receiver's move, not the coordinator's.
    expect((await kit.move(coordinator, other, 'received')).body).toMatchObject({ status: 403, allowedStatuses: ['redirected'] });
  });

  it('refuses an illegal move with 409 naming the current status and the allowed ones', async () => {
    const id = await kit.create(sender, receivingService);
    const skip = await kit.move(receiver, id, 'accepted');
    expect(skip.status).toBe(409);
    expect(skip.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(skip.body).toMatchObject({
      type: 'urn:relais:problem:illegal-transition',
      currentStatus: 'requested',
      requestedStatus: 'accepted',
      allowedStatuses: ['received'],
    });
    expect(String(skip.body['detail'])).toMatch(/« requested ».*« accepted ».*received/);

    await walk(id, [[receiver, 'received']]);
    expect((await kit.move(receiver, id, 'completed')).body).toMatchObject({ status: 409, allowedStatuses: ['accepted', 'rejected', 'redirected'] });
    expect((await kit.move(receiver, id, 'requested')).status).toBe(409);
    expect((await kit.move(receiver, id, 'draft')).status).toBe(409);
    expect((await kit.move(receiver, id, 'expired')).status).toBe(409);

    await walk(id, [[receiver, 'rejected', { reasonCode: 'hors-perimetre' }]]);
    for (const status of ['received', 'accepted', 'in-progress', 'completed', 'cancelled']) {
      const late = await kit.move(status === 'cancelled' ? sender : receiver, id, status);
      expect({ status, code: late.status, body: late.body }).toMatchObject({ status, code: 409, body: { currentStatus: 'rejected', allowedStatuses: [] } });
    }
  });

  it('refuses a move that belongs to the other party with 403, listing what the caller may do', async () => {
    const id = await kit.create(sender, receivingService);
    expect((await kit.move(sender, id, 'received')).body).toMatchObject({ status: 403, type: 'urn:relais:problem:forbidden', allowedStatuses: ['cancelled'] });
    expect((await kit.move(receiver, id, 'cancelled')).body).toMatchObject({ status: 403, allowedStatuses: ['received'] });
  });

  it('checks reasons, redirect targets and outcomes of a move', async () => {
    const id = await kit.create(sender, receivingService);
    await walk(id, [[receiver, 'received']]);
    expect((await kit.move(receiver, id, 'rejected')).body).toMatchObject({ status: 400, errors: [{ field: 'reasonCode' }] });
    expect((await kit.move(receiver, id, 'rejected', { reasonCode: 'abandon' })).status).toBe(400);
    expect((await kit.move(receiver, id, 'rejected', { reasonCode: 'autre' })).status).toBe(400);
    expect((await kit.move(receiver, id, 'redirected')).body).toMatchObject({ status: 400, errors: [{ field: 'redirectToServiceId' }] });
    expect((await kit.move(receiver, id, 'redirected', { redirectToServiceId: '56000000-0000-4000-a100-0000000000ff' })).status).toBe(422);
    expect((await kit.move(receiver, id, 'redirected', { redirectToServiceId: receivingService })).status).toBe(422);
    expect((await kit.move(receiver, id, 'accepted', { outcome: { autonomyGained: 'complet' } })).status).toBe(400);
    expect((await kit.move(receiver, id, 'accepted', { colour: 'red' })).body).toMatchObject({ status: 400, errors: [{ field: 'colour' }] });
    expect((await kit.move(receiver, id, 'done')).status).toBe(400);
    expect((await kit.move(receiver, id, 'rejected', { reasonCode: 'autre', comment: 'fermeture estivale' })).status).toBe(200);
  });

  it('refuses a creation the directory does not allow, or that is malformed', async () => {
    const unknown = await kit.request('POST', '/v1/referrals', sender, referralBody('56000000-0000-4000-a100-0000000000ff'));
    expect(unknown.body).toMatchObject({ status: 422, type: 'urn:relais:problem:unprocessable', errors: [{ field: 'receivingServiceId' }] });
    const bad = await kit.request('POST', '/v1/referrals', sender, { ...referralBody(receivingService), urgency: 'soon', nir: '1' });
    expect(bad.status).toBe(400);
    expect((bad.body['errors'] as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['nir', 'urgency']);
    const noPhone = referralBody(receivingService);
    delete (noPhone['person'] as Record<string, unknown>)['phone'];
    expect((await kit.request('POST', '/v1/referrals', sender, noPhone)).body).toMatchObject({ status: 400, errors: [{ field: 'person.phone' }] });
    const coordinatorCreate = await kit.request('POST', '/v1/referrals', coordinator, referralBody(receivingService));
    expect(coordinatorCreate.status).toBe(403);
  });

  it('stops accepting referrals for a service the directory suspends (newer snapshot), ignoring an older one', async () => {
    const structureId = receiver.structureId ?? '';
    await kit.publish('fr.relais.directory.service.snapshot.v2', serviceSnapshot(structureId, receiver.networkIds, { version: 3, acceptsRelaisReferrals: false }));
    await kit.publish('fr.relais.directory.service.snapshot.v2', serviceSnapshot(structureId, receiver.networkIds, { version: 2 }));
    await eventually(async () => {
      const { rows } = await kit.db.query<{ version: number }>(`SELECT version FROM directory_services WHERE service_id = $1`, [receivingService]);
      expect(rows[0]?.version).toBe(3);
    });
    const refused = await kit.request('POST', '/v1/referrals', sender, referralBody(receivingService));
    expect(refused.body).toMatchObject({ status: 422, detail: "Ce service ne reçoit pas d'orientations par Relais." });
    await kit.publish('fr.relais.directory.service.snapshot.v2', serviceSnapshot(structureId, receiver.networkIds, { version: 4 }));
    await eventually(async () => expect((await kit.request('POST', '/v1/referrals', sender, referralBody(receivingService))).status).toBe(201));
  });

  it('describes its bodies, parameters and problem responses in OpenAPI', async () => {
    const document = (await (await fetch(`${kit.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }>; requestBody?: unknown; responses: Record<string, { content?: Record<string, unknown> }> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    const create = document.paths['/api/referral/v1/referrals']?.['post'];
    expect(create?.parameters?.map((p) => p.name)).toContain('Idempotency-Key');
    expect(JSON.stringify(create?.requestBody)).toContain('CreateReferralDto');
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403', '422']));
    expect(create?.responses['422']?.content).toHaveProperty(['application/problem+json']);
    const transition = document.paths['/api/referral/v1/referrals/{id}/transitions']?.['post'];
    expect(Object.keys(transition?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '403', '404', '409', '422']));
    expect(document.paths['/api/referral/v1/referrals']?.['get']?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['box', 'status', 'overdue', 'limit', 'cursor']),
    );
    for (const path of ['/api/referral/v1/journeys/{personReference}', '/api/referral/v1/persons/{personReference}', '/api/referral/v1/audit', '/api/referral/v1/referrals/{id}/consent/revocation']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    expect(Object.keys(document.components.schemas['CreateReferralDto']?.properties ?? {}).sort()).toEqual(
      ['assessmentId', 'consent', 'needs', 'person', 'reason', 'receivingServiceId', 'urgency'].sort(),
    );
  });
});
