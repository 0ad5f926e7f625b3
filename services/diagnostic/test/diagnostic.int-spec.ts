import { randomUUID } from 'node:crypto';
import { ISSUED_PERSON_REF, issuePersonRef } from '@relais/contracts';
import { eventually, userToken, type TestService } from '@relais/testing';
import { inDays, neverUsedDigital, person, procedure } from './scenarios/scenario';
import { startDiagnostic } from './support/diagnostic-kit';
import { ids, network, service, structure, type ServiceSnapshot } from './support/directory-fixtures';
import { startEventSource, type EventSource } from './support/event-source';

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

interface Assessment {
  assessmentId: string;
  personRef: string | null;
  pseudonymized: boolean;
  networkId: string | null;
  autonomy: { level: string; coopAutonomy: string; domains: Array<{ id: string; score: number }> };
  barriers: Array<{ barrier: string }>;
  urgentProcedures: Array<{ procedure: string; deadline: string | null; daysLeft: number }>;
  recommendedRoles: Array<{ role: string; reason: string }>;
  candidates: Array<{ serviceId: string; role: string; networkIds: string[]; structureName: string | null; reasons: string[] }>;
  answers?: Record<string, unknown>;
}

// Today's date in Paris, so that « due in 10 days » is urgent whatever day the suite runs.
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/**
 * The field's first scenario: 72, no computer, tax return in 10 days, rural commune of the Ploërmel network.
 * Without a reference the person is new to Relais and the diagnostic issues one.
 */
function ruralSenior(personRef?: string, extra: Record<string, unknown> = {}) {
  return {
    ...(personRef === undefined ? {} : { personRef }),
    communeCode: '56080', // Guilliers
    consent: { given: true, method: 'oral' },
    answers: person({
      ...neverUsedDigital,
      smartphone: 'non',
      ordinateur: 'non',
      'imprimante-scanner': 'non',
      'connexion-domicile': 'non',
      'peur-erreur': 'souvent',
      'envie-apprendre': 'plus-tard',
      deplacement: 'difficile',
      'tranche-age': '60-74',
      'demarches-a-faire': [procedure('impots', inDays(10, today))],
    }),
    ...extra,
  };
}

describe('diagnostic service (real PostgreSQL, Kafka and identity provider)', () => {
  let diagnostic: TestService;
  // The directory and the referral service, as far as the diagnostic can tell: their events on Kafka.
  let directory: EventSource;
  let referral: EventSource;
  let tokens: Record<'ploermelAgent' | 'mauronAgent' | 'cafAgent' | 'coordPloermel' | 'coordVannes', string>;
  let mauronFaireALaPlace: ServiceSnapshot;

  const call = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${diagnostic.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed: unknown = await response.json();
    return { status: response.status, body: parsed, headers: response.headers };
  };

  beforeAll(async () => {
    diagnostic = await startDiagnostic();
    const prefix = diagnostic.env['KAFKA_TOPIC_PREFIX'] ?? '';
    [directory, referral] = await Promise.all([startEventSource(prefix), startEventSource(prefix)]);
    const pick = async (username: string) => (await userToken((u) => u.username === username)).token;
    tokens = {
      ploermelAgent: await pick('agent.mediatheque-ploermel'),
      mauronAgent: await pick('agent.france-services-mauron'),
      cafAgent: await pick('agent.caf-vannes'),
      coordPloermel: await pick('coord.ploermel'),
      coordVannes: await pick('coord.vannes'),
    };

    await directory.publish('fr.relais.directory.network.snapshot.v1', network(ids.networks.ploermel, 'Pays de Ploërmel', ['56165', '56127', '56080', '56091']));
    await directory.publish('fr.relais.directory.network.snapshot.v1', network(ids.networks.vannes, 'Pays de Vannes', ['56260', '56243']));
    await directory.publish(
      'fr.relais.directory.structure.snapshot.v1',
      structure(ids.structures.franceServicesMauron, 'France Services de Mauron', ids.networks.ploermel, ['aidants-connect', 'france-services']),
    );
    mauronFaireALaPlace = service(
      { structureId: ids.structures.franceServicesMauron, roles: ['faire-a-la-place', 'accompagnement'], networkIds: [ids.networks.ploermel], name: 'Démarches en ligne' },
      '56127',
      null, // no coordinates: placed at its commune (Mauron)
    );
    const services = [
      mauronFaireALaPlace,
      service({ structureId: ids.structures.mediathequePloermel, roles: ['acces-libre', 'formation'], networkIds: [ids.networks.ploermel] }, '56165', [47.9317, -2.3975]),
      service({ structureId: randomUUID(), roles: ['equipement'], networkIds: [ids.networks.ploermel], name: 'Matériel reconditionné' }, '56091', [47.9561, -2.548]),
      service({ structureId: ids.structures.cafVannes, roles: ['faire-a-la-place'], networkIds: [ids.networks.vannes] }, '56260', [47.6569, -2.762]),
    ];
    for (const snapshot of services) await directory.publish('fr.relais.directory.service.snapshot.v2', snapshot);
  });

  afterAll(async () => {
    await Promise.all([directory?.stop(), referral?.stop()]);
    await diagnostic?.stop();
  });

  it('serves the current questionnaire and past versions, and 404 for an unknown one', async () => {
    const current = await call('GET', '/v1/questionnaires/current', tokens.ploermelAgent);
    expect(current.status).toBe(200);
    const questionnaire = current.body as { version: string; hash: string; questions: Array<{ id: string; text: string; options: unknown[] }> };
    expect(questionnaire.version).toBe('1');
    expect(questionnaire.questions.map((q) => q.id)).toEqual(expect.arrayContaining(['smartphone', 'identifiants', 'demarches-a-faire', 'deplacement']));
    expect((await call('GET', `/v1/questionnaires/${questionnaire.version}`, tokens.ploermelAgent)).body).toEqual(questionnaire);
    expect((await call('GET', '/v1/questionnaires/99', tokens.ploermelAgent)).status).toBe(404);
  });

  it('recommends faire-à-la-place near Ploërmel first, then equipment, for the rural senior with a tax return due', async () => {
    const assessment = await eventually(async () => {
      const response = await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior());
      expect(response.status).toBe(201);
      const body = response.body as Assessment;
      // The read model is fed asynchronously: wait until the directory's snapshots have arrived.
      expect(body.networkId).toBe(ids.networks.ploermel);
      expect(body.candidates.map((c) => c.role)).toEqual(expect.arrayContaining(['faire-a-la-place', 'equipement']));
      return body;
    });
    expect(assessment.autonomy).toMatchObject({ level: 'a-faire-pour', coopAutonomy: 'entierement-accompagne' });
    expect(assessment.barriers.map((b) => b.barrier)).toEqual(expect.arrayContaining(['equipement', 'connexion', 'mobilite']));
    expect(assessment.recommendedRoles.slice(0, 2).map((r) => r.role)).toEqual(['faire-a-la-place', 'equipement']);
    expect(assessment.urgentProcedures[0]).toMatchObject({ procedure: 'impots', daysLeft: 10 });
    const first = assessment.candidates[0];
    expect(first).toMatchObject({ serviceId: mauronFaireALaPlace.serviceId, role: 'faire-a-la-place', structureName: 'France Services de Mauron' });
    expect(first?.networkIds).toContain(ids.networks.ploermel);
    expect(first?.reasons.join('\n')).toMatch(/Aidants Connect/);
    // The CAF desk in Vannes is 45 km away: out of reach for someone who travels with difficulty.
    expect(assessment.candidates.map((c) => c.structureName)).not.toContain('CAF du Morbihan — accueil de Vannes');

    // The event reaches the referral service through Kafka, without any direct identifier.
    const event = await eventually(async () => {
      const found = (await referral.received('fr.relais.diagnostic.assessment.completed.v1')).find((e) => e.assessmentId === assessment.assessmentId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(event).toMatchObject({
      level: 'a-faire-pour',
      coopAutonomy: 'entierement-accompagne',
      recommendedRoles: expect.arrayContaining(['faire-a-la-place', 'equipement']),
      communeCode: '56080',
      networkId: ids.networks.ploermel,
      personRef: assessment.personRef,
    });
    expect(assessment.personRef).toMatch(ISSUED_PERSON_REF);
    expect(JSON.stringify(event)).not.toMatch(/answers|Guilliers/);
  });

  it('stops recommending a suspended service within seconds', async () => {
    await directory.publish('fr.relais.directory.service.snapshot.v2', { ...mauronFaireALaPlace, version: 2, status: 'suspended', updatedAt: new Date().toISOString() });
    const started = Date.now();
    await eventually(
      async () => {
        const body = (await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior())).body as Assessment;
        expect(body.candidates.map((c) => c.serviceId)).not.toContain(mauronFaireALaPlace.serviceId);
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    // An older snapshot replayed by the compacted topic does not bring it back.
    await directory.publish('fr.relais.directory.service.snapshot.v2', { ...mauronFaireALaPlace, version: 1 });
    await directory.publish('fr.relais.directory.service.snapshot.v2', { ...mauronFaireALaPlace, version: 3, status: 'active' });
    await eventually(async () => {
      const body = (await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior())).body as Assessment;
      expect(body.candidates[0]?.serviceId).toBe(mauronFaireALaPlace.serviceId);
    });
  });

  it('lists every problem of incomplete or invalid answers in one 400, and stores nothing', async () => {
    // A person the médiathèque registered in the referral service a moment ago.
    const personRef = issuePersonRef();
    await referral.publish('fr.relais.referral.person.linked.v1', { personRef, structureId: ids.structures.mediathequePloermel, via: 'registered', at: new Date().toISOString() });
    const body = ruralSenior(personRef);
    const answers = { ...body.answers } as Record<string, unknown>;
    delete answers['smartphone'];
    delete answers['deplacement'];
    answers['ordinateur'] = 'peut-etre';
    answers['besoins-accessibilite'] = ['aucun', 'vue'];
    answers['demarches-a-faire'] = [{ procedure: 'impots', deadline: '2026-02-30' }];
    answers['couleur-preferee'] = 'bleu';
    const response = await call('POST', '/v1/assessments', tokens.ploermelAgent, { ...body, answers });
    expect(response.status).toBe(400);
    const problem = response.body as Problem;
    expect(problem.type).toBe('urn:relais:problem:validation-error');
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(
      [
        'answers.besoins-accessibilite',
        'answers.couleur-preferee',
        'answers.deplacement',
        'answers.demarches-a-faire[0].deadline',
        'answers.ordinateur',
        'answers.smartphone',
      ].sort(),
    );
    expect((await call('GET', `/v1/persons/${personRef}/assessments`, tokens.ploermelAgent)).status).toBe(404);
  });

  it('refuses to record anything without the person’s consent, or for an unknown commune', async () => {
    const response = await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior(undefined, { consent: { given: false, method: 'oral' } }));
    expect(response.status).toBe(400);
    expect((response.body as Problem).errors?.[0]?.field).toBe('consent.given');
    const unknown = await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior(undefined, { communeCode: '56999' }));
    expect(unknown.status).toBe(400);
    expect((unknown.body as Problem).errors?.map((e) => e.field)).toEqual(['communeCode']);
  });

  it('replays an Idempotency-Key with the original 201 marked as a replay, and refuses it for another request', async () => {
    const key = randomUUID();
    const first = await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior(), { 'idempotency-key': key });
    const again = await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior(), { 'idempotency-key': key });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect([first.headers.get('idempotent-replayed'), again.headers.get('idempotent-replayed')]).toEqual([null, 'true']);
    expect((again.body as Assessment).assessmentId).toBe((first.body as Assessment).assessmentId);
    // The person new to Relais got one reference, not one per replay.
    expect((again.body as Assessment).personRef).toBe((first.body as Assessment).personRef);
    const other = await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior(undefined, { communeCode: '56165' }), { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect((other.body as { type: string }).type).toBe('urn:relais:problem:idempotency-key-reused');
  });

  it('takes keys of 1 to 255 visible ASCII characters, the rule of every service', async () => {
    const longest = await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior(), { 'idempotency-key': `k${'x'.repeat(254)}` });
    expect(longest.status).toBe(201);
    const tooLong = await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior(), { 'idempotency-key': 'x'.repeat(256) });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['header.idempotency-key']);
  });

  it('lets read the structure that ran it, the one the person was referred to with consent until revoked, and coordinators pseudonymized', async () => {
    const created = (await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior())).body as Assessment;
    const path = `/v1/assessments/${created.assessmentId}`;
    const own = await call('GET', path, tokens.ploermelAgent);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ personRef: created.personRef, pseudonymized: false, answers: expect.any(Object) });

    expect((await call('GET', path, tokens.mauronAgent)).status).toBe(404);
    expect((await call('GET', path, tokens.cafAgent)).status).toBe(404);
    expect((await call('GET', path, tokens.coordVannes)).status).toBe(404);
    const coordination = await call('GET', path, tokens.coordPloermel);
    expect(coordination.status).toBe(200);
    expect(coordination.body).toMatchObject({ personRef: null, pseudonymized: true });
    expect((coordination.body as Assessment).answers).toBeUndefined();

    // The person is referred to the France Services of Mauron, agreeing to share the assessment.
    const referralId = randomUUID();
    const parties = {
      referralId,
      personRef: created.personRef ?? '',
      sendingStructureId: ids.structures.mediathequePloermel,
      receivingStructureId: ids.structures.franceServicesMauron,
      receivingServiceId: mauronFaireALaPlace.serviceId,
      networkId: ids.networks.ploermel,
    };
    const by = { role: 'agent' as const, structureId: ids.structures.mediathequePloermel, subject: 'agent.mediatheque-ploermel' };
    const at = new Date().toISOString();
    await referral.publish('fr.relais.referral.referral.requested.v1', {
      ...parties,
      previousReferralId: null,
      needs: ['faire-a-la-place'],
      urgency: 'urgent',
      assessmentId: created.assessmentId,
      consent: { scope: ['contact', 'assessment'], method: 'oral', expiresAt: null },
      acknowledgeDueAt: at,
      firstContactDueAt: at,
      by,
      at,
    });
    await eventually(async () => expect((await call('GET', path, tokens.mauronAgent)).status).toBe(200));
    expect((await call('GET', path, tokens.cafAgent)).status).toBe(404);

    await referral.publish('fr.relais.referral.referral.consent-revoked.v1', { ...parties, by, at: new Date().toISOString() });
    await eventually(async () => expect((await call('GET', path, tokens.mauronAgent)).status).toBe(404));
    expect((await call('GET', path, tokens.ploermelAgent)).status).toBe(200);
  });

  it('shows a person’s progression from one assessment to the next', async () => {
    const first = (await call('POST', '/v1/assessments', tokens.ploermelAgent, ruralSenior())).body as Assessment;
    const personRef = first.personRef ?? '';
    const later = ruralSenior(personRef);
    later.answers = person({
      smartphone: 'oui-internet',
      ordinateur: 'non',
      'connexion-domicile': 'forfait-telephone',
      'usage-appareil': 'seul',
      courriel: 'oui-seul',
      'formulaire-en-ligne': 'avec-aide',
      'piece-jointe': 'avec-aide',
      identifiants: 'avec-aide',
      'tranche-age': '60-74',
    });
    await call('POST', '/v1/assessments', tokens.ploermelAgent, later);
    const history = await call('GET', `/v1/persons/${personRef}/assessments`, tokens.ploermelAgent);
    expect(history.status).toBe(200);
    const body = history.body as { assessments: Array<{ level: string }>; progression: Array<{ levelSteps: number; barriersLifted: string[]; summary: string }> };
    expect(body.assessments.map((a) => a.level)).toEqual(['a-faire-pour', 'partiellement-autonome']);
    expect(body.progression[0]).toMatchObject({ levelSteps: 2, barriersLifted: expect.arrayContaining(['equipement', 'connexion', 'mobilite']) });
    expect(body.progression[0]?.summary).toMatch(/progresse de 2 niveaux/);
    expect((await call('GET', `/v1/persons/${personRef}/assessments`, tokens.cafAgent)).status).toBe(404);
  });

  it('lets only agents and integrations run an assessment', async () => {
    const response = await call('POST', '/v1/assessments', tokens.coordPloermel, ruralSenior());
    expect(response.status).toBe(403);
  });

  it('describes its API in OpenAPI', async () => {
    const document = (await (await fetch(`${diagnostic.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/diagnostic/v1/assessments',
        '/api/diagnostic/v1/assessments/{assessmentId}',
        '/api/diagnostic/v1/persons/{personRef}/assessments',
        '/api/diagnostic/v1/questionnaires/current',
        '/api/diagnostic/v1/questionnaires/{version}',
      ]),
    );
    expect(Object.keys(document.paths['/api/diagnostic/v1/assessments']?.['post']?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
  });
});
