import { randomUUID } from 'node:crypto';
import type { TestService } from '@relais/testing';
import { api, consumeTopics, eventually, startDirectory, tokens, type ReceivedEvent } from './support';

/**
 * The write API against real PostgreSQL, Kafka and identity provider: who may change what, how
 * invalid input is refused, and that every change reaches Kafka as a full snapshot.
 */
describe('directory write API', () => {
  let directory: TestService;
  let call: ReturnType<typeof api>;
  let admin: string;
  let kafka: Awaited<ReturnType<typeof consumeTopics>>;
  let vannesNetworkId: string;
  let ccasVannesId: string;
  let coordinatorVannes: string;
  let agentCcasVannes: string;
  let agentCafVannes: string;
  let coordinatorLorient: string;
  const otherStructureId = randomUUID();
  let lieuId: string;
  let serviceId: string;

  beforeAll(async () => {
    directory = await startDirectory();
    call = api(directory.url);
    admin = await tokens.admin();
    const coordinator = await tokens.coordinator('coord.vannes');
    coordinatorVannes = coordinator.token;
    vannesNetworkId = coordinator.user.networkIds[0] ?? '';
    const agent = await tokens.agent('agent.ccas-vannes');
    agentCcasVannes = agent.token;
    ccasVannesId = agent.user.structureId ?? '';
    agentCafVannes = (await tokens.agent('agent.caf-vannes')).token;
    coordinatorLorient = (await tokens.coordinator('coord.lorient')).token;
    kafka = await consumeTopics(directory.env['KAFKA_TOPIC_PREFIX'] ?? '', ['relais.directory.structure.v1', 'relais.directory.service.v1', 'relais.directory.service.v2', 'relais.directory.network.v1']);
  });

  afterAll(async () => {
    await kafka?.stop();
    await directory?.stop();
  });

  it('lets an admin create a network, then a coordinator of it manage structures, lieux and services', async () => {
    const network = await call('POST', '/v1/networks', {
      token: admin,
      body: { id: vannesNetworkId, name: 'Pays de Vannes', communeCodes: ['56260', '56003'], coordinators: [{ name: 'Gaëlle Le Floch', email: 'coord@example.org' }] },
    });
    expect(network.status).toBe(201);
    expect(network.body).toMatchObject({ id: vannesNetworkId, sla: { acknowledgeBusinessDays: 2, firstContactBusinessDays: 10, expireAfterDays: 30 } });

    const structure = await call('POST', '/v1/structures', {
      token: coordinatorVannes,
      body: {
        id: ccasVannesId,
        name: 'CCAS de Vannes',
        typology: 'CCAS',
        networkIds: [vannesNetworkId],
        communeCode: '56260',
        referents: [{ name: 'Maïwenn Caradec' }],
        referralEmail: 'orientations@ccas-vannes.example',
      },
    });
    expect(structure.status).toBe(201);
    expect(structure.body).toMatchObject({ referralEmail: 'orientations@ccas-vannes.example' });
    const other = await call('POST', '/v1/structures', {
      token: admin,
      body: { id: otherStructureId, name: 'Médiathèque de Séné', typology: 'BIB', networkIds: [vannesNetworkId], communeCode: '56243' },
    });
    expect(other.status).toBe(201);

    const lieu = await call('POST', '/v1/lieux', {
      token: coordinatorVannes,
      body: { structureId: ccasVannesId, name: 'CCAS — accueil', street: '30 rue Alain-Le-Sage', postalCode: '56000', communeCode: '56260', latitude: 47.6586, longitude: -2.7599, openingHours: 'Mo-Fr 08:30-12:00,13:30-17:00; PH off' },
    });
    expect(lieu.status).toBe(201);
    lieuId = (lieu.body as { id: string }).id;
    expect((lieu.body as { weeklyHours: unknown[] }).weeklyHours.length).toBeGreaterThan(0);

    const created = await call('POST', '/v1/services', {
      token: coordinatorVannes,
      body: {
        structureId: ccasVannesId,
        name: 'Aide aux démarches en ligne',
        roles: ['diagnostic', 'accompagnement'],
        thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'],
        acceptsRelaisReferrals: true,
        lieuIds: [lieuId],
        capacity: { openSlotsPerWeek: 6, waitingDays: 3 },
      },
    });
    expect(created.status).toBe(201);
    serviceId = (created.body as { id: string }).id;
    expect(created.body).toMatchObject({ referralMethods: [{ kind: 'relais', value: null }], capacity: { openSlotsPerWeek: 6, full: false } });
  });

  it('answers 401 to the anonymous and 403 to a coordinator of another network', async () => {
    expect((await call('PUT', `/v1/services/${serviceId}/capacity`, { body: { openSlotsPerWeek: 1, waitingDays: 1 } })).status).toBe(401);
    expect((await call('POST', '/v1/networks', { body: { name: 'x', communeCodes: [] } })).status).toBe(401);
    const patch = await call('PATCH', `/v1/services/${serviceId}`, { token: coordinatorLorient, body: { name: 'Piraté' } });
    expect(patch.status).toBe(403);
    expect(patch.body).toMatchObject({ type: 'urn:relais:problem:forbidden' });
    expect((await call('POST', '/v1/networks', { token: coordinatorVannes, body: { name: 'x', communeCodes: [] } })).status).toBe(403);
  });

  it('lets the structure’s own agent update capacity, status and hours, and nothing else', async () => {
    const capacity = await call('PUT', `/v1/services/${serviceId}/capacity`, { token: agentCcasVannes, body: { openSlotsPerWeek: 0, waitingDays: 12 } });
    expect(capacity.status).toBe(200);
    expect(capacity.body).toMatchObject({ capacity: { openSlotsPerWeek: 0, waitingDays: 12, full: true } });
    const status = await call('PUT', `/v1/services/${serviceId}/status`, { token: agentCcasVannes, body: { status: 'active' } });
    expect(status.status).toBe(200);
    const hours = await call('PUT', `/v1/lieux/${lieuId}/opening-hours`, { token: agentCcasVannes, body: { openingHours: 'Mo-Fr 09:00-12:00' } });
    expect(hours.status).toBe(200);
    expect(hours.body).toMatchObject({ openingHours: 'Mo-Fr 09:00-12:00' });
    // Role-guarded routes: an agent does not edit the service itself.
    expect((await call('PATCH', `/v1/services/${serviceId}`, { token: agentCcasVannes, body: { name: 'x' } })).status).toBe(403);
  });

  it('refuses another structure’s agent with 403', async () => {
    for (const [method, path, body] of [
      ['PUT', `/v1/services/${serviceId}/capacity`, { openSlotsPerWeek: 5, waitingDays: 0 }],
      ['PUT', `/v1/services/${serviceId}/status`, { status: 'closed' }],
      ['PUT', `/v1/lieux/${lieuId}/opening-hours`, { openingHours: '24/7' }],
      ['POST', `/v1/structures/${ccasVannesId}/verification`, undefined],
    ] as const) {
      const response = await call(method, path, { token: agentCafVannes, body });
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
    }
  });

  it('lists every invalid field at once', async () => {
    const response = await call('POST', '/v1/services', {
      token: admin,
      body: {
        structureId: 'not-a-uuid',
        name: '',
        roles: ['diagnostic', 'sorcellerie'],
        thematiques: ['numerique--inconnue'],
        languages: ['xx'],
        status: 'suspended',
        capacity: { openSlotsPerWeek: -1, waitingDays: 'demain' },
        referralEmail: 'pas une adresse',
        colour: 'red',
      },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const fields = (response.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(new Set(fields)).toEqual(
      new Set(['structureId', 'name', 'roles', 'thematiques', 'languages', 'suspendedUntil', 'capacity.openSlotsPerWeek', 'capacity.waitingDays', 'referralEmail', 'colour']),
    );
  });

  it('takes data·inclusion v1 values only, naming an unknown or pre-v1 value and where the list is', async () => {
    const response = await call('POST', '/v1/services', {
      token: admin,
      body: {
        structureId: ccasVannesId,
        name: 'Aide aux démarches',
        roles: ['accompagnement'],
        thematiques: ['numerique--acceder-a-des-services-en-ligne', 'demarches--papiers'],
        publics: ['retraites'],
        fees: ['gratuit-sous-conditions'],
      },
    });
    expect(response.status).toBe(400);
    const errors = (response.body as { errors: Array<{ field: string; message: string }> }).errors;
    const byField = Object.fromEntries(errors.map((e) => [e.field, e.message]));
    expect(Object.keys(byField).sort()).toEqual(['fees', 'publics', 'thematiques']);
    expect(byField['thematiques']).toContain('"demarches--papiers"');
    expect(byField['thematiques']).not.toContain('numerique--acceder-a-des-services-en-ligne');
    expect(byField['thematiques']).toContain('GET /api/directory/v1/vocabularies');
    expect(byField['publics']).toContain('"retraites"');
    expect(byField['fees']).toContain('"gratuit-sous-conditions"');
  });

  it('refuses null where a field may only be left out, naming it, and still takes null where the API documents it', async () => {
    // Fuzzing found these as 500s: `@IsOptional()` let null through to code that maps over the value.
    const structure = await call('PATCH', `/v1/structures/${ccasVannesId}`, { token: admin, body: { referents: null, labels: null, contact: null } });
    expect(structure.status).toBe(400);
    expect(new Set((structure.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field))).toEqual(new Set(['contact', 'labels', 'referents']));
    const service = await call('PATCH', `/v1/services/${serviceId}`, { token: admin, body: { thematiques: null, lieuIds: null, capacity: null } });
    expect(service.status).toBe(400);
    expect(new Set((service.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field))).toEqual(new Set(['capacity', 'lieuIds', 'thematiques']));
    const network = await call('PATCH', `/v1/networks/${vannesNetworkId}`, { token: admin, body: { coordinators: null, sla: null } });
    expect(network.status).toBe(400);
    expect(new Set((network.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field))).toEqual(new Set(['coordinators', 'sla']));
    // Documented as nullable: null clears the value.
    const cleared = await call('PATCH', `/v1/structures/${ccasVannesId}`, { token: admin, body: { description: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ description: null });
  });

  it('refuses opening hours that do not parse, with the parser’s message', async () => {
    const response = await call('PUT', `/v1/lieux/${lieuId}/opening-hours`, { token: agentCcasVannes, body: { openingHours: 'tous les jours' } });
    expect(response.status).toBe(400);
    const error = (response.body as { errors: Array<{ field: string; message: string }> }).errors[0];
    expect(error?.field).toBe('openingHours');
    expect(error?.message).toMatch(/opening_hours/);
    expect(error?.message).toMatch(/Caractère inattendu/); // the parser's own words, pointing at the spot
    // What the parser can mend is stored in standard syntax, with its warnings.
    const mended = await call('PUT', `/v1/lieux/${lieuId}/opening-hours`, { token: agentCcasVannes, body: { openingHours: 'Lu-Ve 9:00-12:00' } });
    expect(mended.status).toBe(200);
    expect(mended.body).toMatchObject({ openingHours: 'Mo-Fr 09:00-12:00' });
    expect((mended.body as { openingHoursWarnings: string[] }).openingHoursWarnings.join(' ')).toMatch(/abréviation anglaise/);
    const created = await call('POST', '/v1/lieux', {
      token: admin,
      body: { structureId: ccasVannesId, name: 'x', communeCode: '99999', openingHours: 'Mo-Fr 25:00-26:00' },
    });
    expect(created.status).toBe(400);
    expect((created.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort()).toEqual(['communeCode', 'openingHours']);
  });

  it('reserves faire-a-la-place to structures with the Aidants Connect habilitation', async () => {
    const refused = await call('PATCH', `/v1/services/${serviceId}`, { token: admin, body: { roles: ['faire-a-la-place'] } });
    expect(refused.status).toBe(400);
    expect((refused.body as { errors: Array<{ field: string; message: string }> }).errors[0]?.message).toMatch(/Aidants Connect/);
    expect((await call('PATCH', `/v1/structures/${ccasVannesId}`, { token: admin, body: { labels: ['aidants-connect'] } })).status).toBe(200);
    expect((await call('PATCH', `/v1/services/${serviceId}`, { token: admin, body: { roles: ['faire-a-la-place', 'accompagnement'] } })).status).toBe(200);
    const removal = await call('PATCH', `/v1/structures/${ccasVannesId}`, { token: admin, body: { labels: [] } });
    expect(removal.status).toBe(409);
  });

  it('shows referents to network members only', async () => {
    expect((await call('GET', `/v1/structures/${ccasVannesId}`)).body).not.toHaveProperty('referents');
    expect((await call('GET', `/v1/structures/${ccasVannesId}/referents`, { token: coordinatorLorient })).status).toBe(403);
    const visible = await call('GET', `/v1/structures/${ccasVannesId}/referents`, { token: agentCafVannes });
    expect(visible.body).toMatchObject({ items: [{ name: 'Maïwenn Caradec' }] });
  });

  it('publishes a full snapshot of every change on the compacted topics', async () => {
    const last = (events: ReceivedEvent[], key: string, topic?: string) => events.filter((e) => e.key === key && (!topic || e.topic === topic)).at(-1);
    await eventually(
      () => {
        const service = last(kafka.events, serviceId, 'relais.directory.service.v1');
        expect(service?.type).toBe('fr.relais.directory.service.snapshot.v1');
        expect(service?.topic).toBe('relais.directory.service.v1');
        expect(service?.payload).toMatchObject({
          serviceId,
          structureId: ccasVannesId,
          roles: ['faire-a-la-place', 'accompagnement'],
          capacity: { openSlotsPerWeek: 0, waitingDays: 12 },
          lieux: [{ lieuId, communeCode: '56260', openingHours: 'Mo-Fr 09:00-12:00' }],
          networkIds: [vannesNetworkId],
          deleted: false,
        });
        // v2 beside v1, in the same transaction: the same state, with data·inclusion v1's value sets.
        const v2 = last(kafka.events, serviceId, 'relais.directory.service.v2');
        expect(v2?.type).toBe('fr.relais.directory.service.snapshot.v2');
        const { feesDetails, ...v2WithoutV1Additions } = v2?.payload ?? {};
        expect(v2WithoutV1Additions).toEqual(service?.payload);
        expect(feesDetails === null || typeof feesDetails === 'string').toBe(true);
        const structure = last(kafka.events, ccasVannesId);
        expect(structure?.payload).toMatchObject({ structureId: ccasVannesId, labels: ['aidants-connect'], department: '56', referralEmail: 'orientations@ccas-vannes.example' });
        expect(last(kafka.events, vannesNetworkId)?.payload).toMatchObject({ networkId: vannesNetworkId, communeCodes: ['56003', '56260'] });
      },
      { timeoutMs: 30_000 },
    );
    // Versions only grow, so a consumer can drop a stale snapshot.
    for (const topic of ['relais.directory.service.v1', 'relais.directory.service.v2']) {
      const versions = kafka.events.filter((e) => e.key === serviceId && e.topic === topic).map((e) => e.payload['version'] as number);
      expect(versions.length).toBeGreaterThan(0);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    }
  });

  it('publishes a deleted snapshot when a service is retired', async () => {
    expect((await call('DELETE', `/v1/services/${serviceId}`, { token: coordinatorVannes })).status).toBe(204);
    expect((await call('GET', `/v1/services/${serviceId}`)).status).toBe(404);
    await eventually(() => expect(kafka.events.filter((e) => e.key === serviceId).at(-1)?.payload).toMatchObject({ deleted: true }), { timeoutMs: 30_000 });
  });
});
