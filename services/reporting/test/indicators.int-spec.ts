import { randomUUID } from 'node:crypto';
import { issuePersonRef, type EventPayload, type EventType } from '@relais/contracts';
import { networkSnapshot, serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/demo';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { clientToken, eventually, standInTarget, startTestService, userToken, type TestService } from '@relais/testing';
import { Client } from 'pg';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

const HOUR = 3_600_000;

/**
 * Referrals driven through their lifecycle on the real Kafka and PostgreSQL, then every figure read back through
 * the API by the people who may read it: two networks' coordinators, an agent of the receiving structure, the
 * admin, and nobody (open data only).
 */
describe('reporting: indicators per network from the referral lifecycle', () => {
  let reporting: TestService;
  let directory: StandInPublisher;
  let referral: StandInPublisher;
  let diagnostic: StandInPublisher;
  const targets: Array<{ drop(): Promise<void> }> = [];
  let db: Client;

  const { vannes, ploermel } = DEMO_NETWORKS;
  const sender = DEMO_STRUCTURES.cafVannes;
  const receiver = DEMO_STRUCTURES.ccasVannes;
  const otherReceiver = DEMO_STRUCTURES.centreSocialKercado;
  const ruralSender = { id: randomUUID(), communeCode: '56121' };
  const accompaniment = serviceSnapshot({
    structureId: receiver.id,
    roles: ['accompagnement'],
    networkIds: [vannes.id],
    lieux: [{ lieuId: randomUUID(), communeCode: '56260', latitude: 47.6559, longitude: -2.7603, openingHours: null }],
    capacity: { openSlotsPerWeek: 2, waitingDays: 12, updatedAt: null },
  });
  const training = serviceSnapshot({ structureId: otherReceiver.id, roles: ['formation'], networkIds: [vannes.id], lieux: [] });

  // Every event published, so the tests start once the service has applied them all (its inbox holds one row each).
  let published = 0;
  async function publishAs<T extends EventType>(publisher: StandInPublisher, type: T, payload: EventPayload<T>): Promise<void> {
    published++;
    await publisher.publish(type, payload);
  }
  const now = Date.now();
  const t0 = now - 3 * 24 * HOUR;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const day = (ms: number): string => new Date(ms).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  const from = day(t0);
  const to = day(now);
  const twoMonthsAgo = (): Date => {
    const date = new Date(now);
    date.setUTCDate(12);
    date.setUTCMonth(date.getUTCMonth() - 2);
    return date;
  };

  beforeAll(async () => {
    reporting = await startTestService(service, readConfig, (config) => AppModule.forRoot(config));
    const prefix = reporting.env['KAFKA_TOPIC_PREFIX'] ?? '';
    const start = async (name: 'directory' | 'referral' | 'diagnostic'): Promise<StandInPublisher> => {
      const target = await standInTarget(`${name}_indicators`);
      targets.push(target);
      return startStandInPublisher({ service: name, ...target, topicPrefix: prefix });
    };
    directory = await start('directory');
    referral = await start('referral');
    diagnostic = await start('diagnostic');
    db = new Client({ connectionString: reporting.env['DATABASE_URL'] });
    await db.connect();

    await publishAs(directory, 'fr.relais.directory.network.snapshot.v1', networkSnapshot({ networkId: vannes.id, name: vannes.name, communeCodes: ['56260', '56121'] }));
    await publishAs(directory, 'fr.relais.directory.network.snapshot.v1', networkSnapshot({ networkId: ploermel.id, name: ploermel.name, communeCodes: ['56165'] }));
    for (const structure of [sender, receiver, otherReceiver]) {
      await publishAs(directory, 'fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId: structure.id, name: structure.name, networkIds: [vannes.id], communeCode: structure.communeCode }));
    }
    await publishAs(directory, 'fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId: ruralSender.id, name: 'Mairie', networkIds: [vannes.id], communeCode: ruralSender.communeCode }));
    await publishAs(directory, 'fr.relais.directory.service.snapshot.v1', accompaniment);
    await publishAs(directory, 'fr.relais.directory.service.snapshot.v1', training);
    // Referrals are attributed through the directory's copy: it must be there before them.
    await eventually(async () => {
      const rows = await db.query<{ n: string }>(`SELECT (SELECT count(*) FROM directory_services) + (SELECT count(*) FROM directory_structures) + (SELECT count(*) FROM directory_networks) AS n`);
      expect(Number(rows.rows[0]?.n)).toBe(8);
    });
    await driveLifecycles();
    await eventually(
      async () => {
        const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM messaging_inbox`);
        expect(Number(rows.rows[0]?.n)).toBe(published);
      },
      { timeoutMs: 120_000 },
    );
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    for (const publisher of [directory, referral, diagnostic]) await publisher?.stop();
    for (const target of targets) await target.drop();
    await reporting?.stop();
  });

  function parties(serviceId: string, structureId: string, senderId: string = sender.id, personRef = issuePersonRef()) {
    return { referralId: randomUUID(), personRef, sendingStructureId: senderId, receivingStructureId: structureId, receivingServiceId: serviceId, networkId: vannes.id };
  }
  const by = { role: 'agent' as const, structureId: receiver.id, subject: 'agent' };

  async function request(p: ReturnType<typeof parties>, at: number, previousReferralId: string | null = null): Promise<void> {
    await publishAs(referral, 'fr.relais.referral.referral.requested.v1', {
      ...p,
      previousReferralId,
      needs: ['numerique--prendre-en-main-un-ordinateur'],
      urgency: 'normal',
      assessmentId: null,
      consent: { scope: ['contact'], method: 'oral', expiresAt: null },
      acknowledgeDueAt: iso(at + 24 * HOUR),
      firstContactDueAt: iso(at + 24 * HOUR),
      by,
      at: iso(at),
    });
  }

  type Move = 'received' | 'accepted' | 'rejected' | 'redirected' | 'started' | 'completed' | 'expired';
  const statusOf = { received: 'received', accepted: 'accepted', rejected: 'rejected', redirected: 'redirected', started: 'in-progress', completed: 'completed', expired: 'expired' } as const;
  async function move(
    p: ReturnType<typeof parties>,
    what: Move,
    fromStatus: string,
    at: number,
    extra: { reasonCode?: string; nextStep?: string | null; redirectedToReferralId?: string } = {},
  ): Promise<void> {
    await publishAs(referral, `fr.relais.referral.referral.${what}.v1`, {
      ...p,
      from: fromStatus as 'requested',
      to: statusOf[what],
      reasonCode: extra.reasonCode ?? null,
      outcome: what === 'completed' ? { summary: null, autonomyGained: 'complet', nextStep: extra.nextStep ?? null } : null,
      redirectedToReferralId: extra.redirectedToReferralId ?? null,
      by,
      at: iso(at),
    });
  }

  const followedPerson = issuePersonRef();

  async function driveLifecycles(): Promise<void> {
    // 6 completed: acknowledged after 2 h (within the day), first contact after 26 h (late), 2 with a next step.
    for (let i = 0; i < 6; i++) {
      const p = parties(accompaniment.serviceId, receiver.id, sender.id, i === 0 ? followedPerson : issuePersonRef());
      await request(p, t0);
      await move(p, 'received', 'requested', t0 + 2 * HOUR);
      await move(p, 'accepted', 'received', t0 + 4 * HOUR);
      await move(p, 'started', 'accepted', t0 + 26 * HOUR);
      await move(p, 'completed', 'in-progress', t0 + 50 * HOUR, { nextStep: i < 2 ? 'formation' : null });
    }
    // The first person's next step was referred; the second one's never was.
    await request(parties(training.serviceId, otherReceiver.id, sender.id, followedPerson), t0 + 60 * HOUR);
    // 5 rejected for lack of capacity, acknowledged after 5 h.
    for (let i = 0; i < 5; i++) {
      const p = parties(accompaniment.serviceId, receiver.id);
      await request(p, t0);
      await move(p, 'received', 'requested', t0 + 5 * HOUR);
      await move(p, 'rejected', 'received', t0 + 6 * HOUR, { reasonCode: 'plus-de-capacite' });
    }
    // 5 never acknowledged: expired, and still overdue for none of them.
    for (let i = 0; i < 5; i++) {
      const p = parties(accompaniment.serviceId, receiver.id);
      await request(p, t0);
      await move(p, 'expired', 'requested', t0 + 70 * HOUR, { reasonCode: 'delai-de-prise-en-compte-depasse' });
    }
    // 5 redirected to the training service; 3 of the new referrals are acknowledged (late: after 30 h).
    for (let i = 0; i < 5; i++) {
      const original = parties(accompaniment.serviceId, receiver.id);
      await request(original, t0);
      const next = { ...parties(training.serviceId, otherReceiver.id, sender.id, original.personRef) };
      await move(original, 'redirected', 'requested', t0 + HOUR, { reasonCode: 'service-plus-adapte', redirectedToReferralId: next.referralId });
      await request(next, t0 + HOUR, original.referralId);
      if (i < 3) await move(next, 'received', 'requested', t0 + 31 * HOUR);
    }
    // 2 still waiting for an acknowledgement past their deadline: overdue now.
    for (let i = 0; i < 2; i++) await request(parties(accompaniment.serviceId, receiver.id), t0);
    // Two months ago (a month that is over, before the period read above), for the open data: 7 from Vannes, 2 from a rural commune.
    const lastMonth = twoMonthsAgo();
    for (let i = 0; i < 9; i++) {
      const p = parties(accompaniment.serviceId, receiver.id, i < 7 ? sender.id : ruralSender.id);
      await request(p, lastMonth.getTime());
      await move(p, 'received', 'requested', lastMonth.getTime() + HOUR);
      await move(p, 'rejected', 'received', lastMonth.getTime() + 2 * HOUR, { reasonCode: 'hors-perimetre' });
    }
    // 5 diagnostics in Vannes: 3 beginners, 2 autonomous.
    for (let i = 0; i < 5; i++) {
      await publishAs(diagnostic, 'fr.relais.diagnostic.assessment.completed.v1', {
        assessmentId: randomUUID(),
        personRef: issuePersonRef(),
        questionnaireVersion: '1',
        level: i < 3 ? 'debutant' : 'autonome',
        coopAutonomy: i < 3 ? 'entierement-accompagne' : 'autonome',
        rulesVersion: '1',
        barriers: i < 3 ? ['equipement', 'confiance'] : ['confiance'],
        urgentProcedures: [],
        recommendedRoles: ['accompagnement'],
        communeCode: '56260',
        networkId: vannes.id,
        by,
        completedAt: iso(t0 + HOUR),
      });
    }
  }

  async function read<T>(path: string, token: string | null): Promise<{ status: number; body: T }> {
    const response = await fetch(`${reporting.url}/v1/${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: response.status, body: (await response.json()) as T };
  }
  const coordinatorOf = async (networkId: string): Promise<string> => (await userToken((u) => u.roles.includes('coordinator') && u.networkIds.includes(networkId))).token;
  const admin = async (): Promise<string> => (await userToken((u) => u.roles.includes('admin'))).token;
  const receiverAgent = async (): Promise<string> => (await userToken((u) => u.roles.includes('agent') && u.structureId === receiver.id)).token;

  it('counts each stage the referrals reached in the period, exactly as the contract says', async () => {
    const token = await coordinatorOf(vannes.id);
    const funnel = await eventually(async () => {
      const { status, body } = await read<{ stages: Record<string, number | null> }>(`networks/${vannes.id}/funnel?from=${from}&to=${to}`, token);
      expect(status).toBe(200);
      expect(body.stages['received']).toBe(14);
      expect(body.stages['requested']).toBe(29);
      return body;
    });
    expect(funnel).toEqual({
      networkId: vannes.id,
      from,
      to,
      stages: { requested: 29, received: 14, accepted: 6, 'in-progress': 6, completed: 6, rejected: 5, redirected: 5, cancelled: 0, expired: 5, failed: 0 },
    });
    // A longer period reads its whole months from the monthly rollups: two months ago's 9 rejected referrals join in.
    const since = `${twoMonthsAgo().toISOString().slice(0, 7)}-01`;
    const longer = await read<{ stages: Record<string, number | null> }>(`networks/${vannes.id}/funnel?from=${since}&to=${to}`, token);
    expect(longer.body.stages).toMatchObject({ requested: 38, received: 23, rejected: 14, completed: 6 });
    // By role: the accompaniment service alone (the training one had the 5 redirected and the follow-up).
    const byRole = await read<{ stages: Record<string, number | null> }>(`networks/${vannes.id}/funnel?from=${from}&to=${to}&role=formation`, token);
    expect(byRole.body.stages).toMatchObject({ requested: 6, received: null, accepted: 0 });
    const byTheme = await read<{ stages: Record<string, number | null> }>(`networks/${vannes.id}/funnel?from=${from}&to=${to}&thematique=numerique--prendre-en-main-un-ordinateur&senderNetwork=${vannes.id}`, token);
    expect(byTheme.body.stages['requested']).toBe(29);
  });

  it('gives delays as percentiles of histograms, the share within the SLA and what is overdue now', async () => {
    const token = await receiverAgent();
    const { status, body } = await eventually(async () => {
      const answer = await read<{ measures: Record<string, { count: number | null; p50Hours: number | null; p90Hours: number | null; withinSlaShare: number | null }>; overdueNow: number | null }>(
        `networks/${vannes.id}/delays?from=${from}&to=${to}`,
        token,
      );
      expect(answer.body.measures['completion']?.count).toBe(6);
      return answer;
    });
    expect(status).toBe(200);
    // The agent reads its own structure only: 6 + 5 acknowledgements at 2 h and 5 h (the redirected ones went elsewhere).
    expect(body.measures['acknowledgement']).toEqual({ count: 11, p50Hours: expect.closeTo(2, 0) as number, p90Hours: expect.closeTo(5, 0) as number, withinSlaShare: 1 });
    expect(body.measures['firstContact']).toMatchObject({ count: 6, withinSlaShare: 0 });
    expect(Math.abs((body.measures['completion']?.p50Hours ?? 0) - 50) / 50).toBeLessThan(0.1);
    expect(body.measures['completion']?.withinSlaShare).toBeNull();
    expect(body.overdueNow).toBe(2);

    const coordinator = await read<{ measures: Record<string, { count: number | null; withinSlaShare: number | null }>; overdueNow: number | null }>(
      `networks/${vannes.id}/delays?from=${from}&to=${to}`,
      await coordinatorOf(vannes.id),
    );
    expect(coordinator.body.measures['acknowledgement']).toMatchObject({ count: 14, withinSlaShare: expect.closeTo(11 / 14, 2) as number });
    // 2 waiting at the receiver, 2 redirected ones not acknowledged, 3 acknowledged but never started.
    expect(coordinator.body.overdueNow).toBe(7);
  });

  it('finds the continuity breaks, the drop-off per step and the outcomes', async () => {
    const agent = await read<{ breaks: Record<string, number | null>; acceptanceRate: number | null; byStructure: Array<{ structureId: string; received: number | null; left: number | null }>; dropOff: Array<{ step: string; reached: number | null; left: number | null }>; autonomy: Record<string, number | null>; refusalReasons: Record<string, number | null> }>(
      `networks/${vannes.id}/continuity?from=${from}&to=${to}`,
      await receiverAgent(),
    );
    expect(agent.status).toBe(200);
    expect(agent.body.breaks).toEqual({ expired: 5, failed: 0, 'redirect-not-picked-up': 2, 'next-step-not-referred': 1, 'rejected-without-follow-up': 5, total: 13 });
    expect(agent.body.dropOff.find((s) => s.step === 'requested')).toMatchObject({ reached: 23, left: 10 });
    expect(agent.body.dropOff.find((s) => s.step === 'received')).toMatchObject({ reached: 11, left: 5 });
    // The 6 completions end the journey where it should: no drop-off from « in progress ».
    expect(agent.body.dropOff.find((s) => s.step === 'in-progress')).toMatchObject({ reached: 6, left: 0 });
    // Its 23: 5 refused, 5 expired, 5 redirected left; the 6 completed did not.
    expect(agent.body.byStructure).toHaveLength(1);
    expect(agent.body.byStructure[0]).toMatchObject({ structureId: receiver.id, received: 23, left: 15, rate: expect.closeTo(15 / 23, 2) as number });
    expect(agent.body.autonomy).toEqual({ complet: 6 });
    expect(agent.body.refusalReasons).toEqual({ 'plus-de-capacite': 5 });
    // 6 accepted, 5 refused: the network's answer rate, which the dashboards' overview shows.
    expect(agent.body.acceptanceRate).toBeCloseTo(6 / 11, 2);

    const coordinator = await read<{ breaks: Record<string, number | null>; acceptanceRate: number | null }>(`networks/${vannes.id}/continuity?from=${from}&to=${to}`, await coordinatorOf(vannes.id));
    expect(coordinator.body.breaks).toEqual({ expired: 5, failed: 0, 'redirect-not-picked-up': null, 'next-step-not-referred': null, 'rejected-without-follow-up': 5, total: 13 });
    expect(coordinator.body.acceptanceRate).toBeCloseTo(6 / 11, 2);
    // By role, the training service answered nobody in the period: no rate rather than 0.
    const training = await read<{ acceptanceRate: number | null }>(`networks/${vannes.id}/continuity?from=${from}&to=${to}&role=formation`, await coordinatorOf(vannes.id));
    expect(training.body.acceptanceRate).toBeNull();
  });

  it('sets each structure’s received referrals against its declared capacity', async () => {
    const { body } = await read<{ structures: Array<{ structureId: string; received: number | null; acceptanceRate: number | null; capacityInPeriod: number | null; overCapacity: boolean | null; waitingDays: number | null }> }>(
      `networks/${vannes.id}/structures?from=${from}&to=${to}`,
      await coordinatorOf(vannes.id),
    );
    const own = body.structures.find((s) => s.structureId === receiver.id);
    expect(own).toMatchObject({ received: 23, acceptanceRate: expect.closeTo(6 / 11, 2) as number, waitingDays: 12, overCapacity: true });
    expect(body.structures.find((s) => s.structureId === otherReceiver.id)).toMatchObject({ received: 6, overCapacity: null });
  });

  it('maps coverage per commune and role, and the diagnostics’ profile', async () => {
    const token = await coordinatorOf(vannes.id);
    const coverage = await read<{ radiusKm: number; communes: Array<{ communeCode: string; name: string | null; roles: Array<{ role: string; reachable: boolean }>; diagnostics: number | null }> }>(
      `networks/${vannes.id}/coverage?from=${from}&to=${to}`,
      token,
    );
    expect(coverage.status).toBe(200);
    const vannesCommune = coverage.body.communes.find((c) => c.communeCode === '56260');
    expect(vannesCommune).toMatchObject({ name: 'Vannes', diagnostics: 5 });
    expect(vannesCommune?.roles.find((r) => r.role === 'accompagnement')?.reachable).toBe(true);
    expect(vannesCommune?.roles.find((r) => r.role === 'formation')?.reachable).toBe(false);

    const profile = await read<{ diagnostics: number | null; levels: Record<string, number | null>; barriers: Record<string, number | null> }>(`networks/${vannes.id}/diagnostic?from=${from}&to=${to}`, token);
    expect(profile.body).toMatchObject({ diagnostics: 5, levels: { debutant: null, autonome: null }, barriers: { confiance: 5, equipement: null } });
  });

  it('answers 404 to another network’s coordinator, to an agent asking for another structure, and for an unknown network', async () => {
    const ploermelCoordinator = await coordinatorOf(ploermel.id);
    for (const path of ['funnel', 'delays', 'continuity', 'structures', 'coverage', 'diagnostic']) {
      expect((await read(`networks/${vannes.id}/${path}?from=${from}&to=${to}`, ploermelCoordinator)).status).toBe(404);
    }
    const own = await read<{ stages: Record<string, number> }>(`networks/${ploermel.id}/funnel?from=${from}&to=${to}`, ploermelCoordinator);
    expect(own.status).toBe(200);
    expect(Object.values(own.body.stages).every((n) => n === 0)).toBe(true);
    const agent = await receiverAgent();
    expect((await read(`networks/${vannes.id}/funnel?from=${from}&to=${to}&structure=${otherReceiver.id}`, agent)).status).toBe(404);
    expect((await read(`networks/${vannes.id}/coverage?from=${from}&to=${to}`, agent)).status).toBe(403);
    expect((await read(`networks/${randomUUID()}/funnel?from=${from}&to=${to}`, await admin())).status).toBe(404);
    const adminView = await read<{ stages: Record<string, number | null> }>(`networks/${vannes.id}/funnel?from=${from}&to=${to}`, await admin());
    expect(adminView.body.stages['requested']).toBe(29);
    // The sender's own software: figures go to the receiving structure, so the sender's own are all zero.
    const integration = await clientToken((c) => c.roles.includes('integration') && c.structureId === sender.id);
    const senderView = await read<{ stages: Record<string, number | null> }>(`networks/${vannes.id}/funnel?from=${from}&to=${to}`, integration.token);
    expect(senderView.status).toBe(200);
    expect(senderView.body.stages['requested']).toBe(0);
  });

  it('refuses the anonymous (401) and malformed queries (400 naming the field)', async () => {
    expect((await read(`networks/${vannes.id}/funnel?from=${from}&to=${to}`, null)).status).toBe(401);
    const token = await coordinatorOf(vannes.id);
    const bad = await read<{ errors: Array<{ field: string }> }>(`networks/${vannes.id}/funnel?from=yesterday&to=${to}&colour=red`, token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual(['colour', 'from']);
    expect((await read(`networks/${vannes.id}/funnel?from=${to}&to=${from}`, token)).status).toBe(400);
    expect((await read(`networks/${vannes.id}/funnel?from=${from}&to=${to}&structure=${receiver.id}&thematique=numerique--prendre-en-main-un-ordinateur`, token)).status).toBe(400);
    expect((await read(`networks/not-a-uuid/funnel?from=${from}&to=${to}`, token)).status).toBe(400);
  });

  it('publishes the months that are over as open data, without a token, with small cells suppressed', async () => {
    const rows = await eventually(async () => {
      const { status, body } = await read<Array<{ mois: string; reseau: string; commune: string; indicateur: string; valeur: number | null; secret: boolean }>>('open-data/referrals-monthly.json', null);
      expect(status).toBe(200);
      expect(body.length).toBeGreaterThan(0);
      return body;
    });
    const mois = twoMonthsAgo().toISOString().slice(0, 7);
    expect(rows.filter((row) => row.mois === mois)).toEqual([
      { mois, reseau: vannes.name, commune: '', indicateur: 'orientations', valeur: 9, secret: false },
      { mois, reseau: vannes.name, commune: '56121', indicateur: 'orientations', valeur: null, secret: true },
      { mois, reseau: vannes.name, commune: '56260', indicateur: 'orientations', valeur: null, secret: true },
    ]);
    const csv = await fetch(`${reporting.url}/v1/open-data/referrals-monthly.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('mois,reseau,commune,indicateur,valeur,secret');
    expect(lines.filter((line) => line.startsWith(mois))).toEqual([
      `${mois},${vannes.name},,orientations,9,false`,
      `${mois},${vannes.name},56121,orientations,,true`,
      `${mois},${vannes.name},56260,orientations,,true`,
    ]);
    // No cell of any month is published with a value from 1 to 4.
    expect(rows.filter((row) => row.valeur !== null && row.valeur > 0 && row.valeur < 5)).toEqual([]);
    const schema = await read<{ fields: Array<{ name: string }> }>('open-data/referrals-monthly.schema.json', null);
    expect(schema.body.fields.map((f) => f.name)).toEqual(['mois', 'reseau', 'commune', 'indicateur', 'valeur', 'secret']);
  });
  it('describes every operation in OpenAPI: problems per status, the public ones without security', async () => {
    const document = (await (await fetch(`${reporting.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> }>>;
      components: { schemas: Record<string, { properties?: Record<string, { nullable?: boolean; type?: string }> }> };
    };
    for (const path of ['funnel', 'delays', 'continuity', 'structures', 'coverage', 'diagnostic']) {
      const operation = document.paths[`/api/reporting/v1/networks/{networkId}/${path}`]?.['get'];
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
      expect(operation?.responses['404']?.content).toHaveProperty(['application/problem+json']);
    }
    for (const file of ['csv', 'json', 'schema.json']) {
      expect(document.paths[`/api/reporting/v1/open-data/referrals-monthly.${file}`]?.['get']?.security).toEqual([]);
    }
    expect(document.components.schemas['FunnelStages']?.properties?.['in-progress']).toMatchObject({ type: 'number', nullable: true });
  });
});
