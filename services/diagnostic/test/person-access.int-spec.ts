import { randomUUID } from 'node:crypto';
import { ISSUED_PERSON_REF, issuePersonRef, type EventPayload } from '@relais/contracts';
import { DEMO_STRUCTURES } from '@relais/demo';
import { eventually, type TestService } from '@relais/testing';
import { neverUsedDigital, person } from './scenarios/scenario';
import { applied, call, demoTokens, sql, startDiagnostic } from './support/diagnostic-kit';
import { ids, network } from './support/directory-fixtures';
import { startEventSource, type EventSource } from './support/event-source';

interface Assessment {
  assessmentId: string;
  personRef: string | null;
  pseudonymized: boolean;
  networkId: string | null;
  answers?: Record<string, unknown>;
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

const kercado = DEMO_STRUCTURES.centreSocialKercado.id;
const { mediathequePloermel: ploermel, franceServicesMauron: mauron, cafVannes: caf } = ids.structures;

/** A person of the Ploërmel network who has never used a computer. */
function assessmentBody(personRef?: string, communeCode = '56165') {
  return {
    ...(personRef === undefined ? {} : { personRef }),
    communeCode,
    consent: { given: true, method: 'oral' },
    answers: person({ ...neverUsedDigital, 'tranche-age': '60-74' }),
  };
}

/**
 * Persons and access, as issue 9 asks for the diagnostic: references issued by Relais and usable only by
 * linked structures, reads behind a role and written to the audit log, grants that a forged referral
 * cannot widen, erasure of everything about a person, and Idempotency-Keys per caller. Real tokens from
 * the identity provider; the referral service is a stand-in producing its real events on Kafka.
 */
describe('diagnostic: persons, access, audit, grants and erasure', () => {
  let diagnostic: TestService;
  let referral: EventSource;
  let tokens: Awaited<ReturnType<typeof demoTokens>>;
  let db: string;

  const post = (token: string, body: unknown, headers: Record<string, string> = {}) => call<Assessment & Problem>(diagnostic, 'POST', '/v1/assessments', token, body, headers);
  const read = (token: string, assessmentId: string) => call<Assessment & Problem>(diagnostic, 'GET', `/v1/assessments/${assessmentId}`, token);
  const link = (personRef: string, structureId: string, via: EventPayload<'fr.relais.referral.person.linked.v1'>['via'] = 'registered') =>
    referral.publish('fr.relais.referral.person.linked.v1', { personRef, structureId, via, at: new Date().toISOString() });

  /** A referral carrying an assessment with consent to share it, as the referral service would publish it. */
  function referralRequested(over: { personRef: string; assessmentId: string; from: string; to: string }) {
    const at = new Date().toISOString();
    return {
      referralId: randomUUID(),
      personRef: over.personRef,
      sendingStructureId: over.from,
      receivingStructureId: over.to,
      receivingServiceId: randomUUID(),
      networkId: ids.networks.ploermel,
      previousReferralId: null,
      needs: ['accompagnement'],
      urgency: 'normal' as const,
      assessmentId: over.assessmentId,
      consent: { scope: ['assessment' as const], method: 'oral' as const, expiresAt: null },
      acknowledgeDueAt: at,
      firstContactDueAt: at,
      by: { role: 'agent' as const, structureId: over.from, subject: 'someone' },
      at,
    };
  }

  beforeAll(async () => {
    diagnostic = await startDiagnostic();
    db = diagnostic.env['DATABASE_URL'] ?? '';
    referral = await startEventSource(diagnostic.env['KAFKA_TOPIC_PREFIX'] ?? '');
    tokens = await demoTokens();
    const directory = await startEventSource(diagnostic.env['KAFKA_TOPIC_PREFIX'] ?? '');
    await directory.publish('fr.relais.directory.network.snapshot.v1', network(ids.networks.ploermel, 'Pays de Ploërmel', ['56165', '56127', '56080']));
    await directory.stop();
    // Coordinators read by network: wait until the read model knows the commune's network.
    await eventually(async () => expect((await post(tokens.ploermelAgent, assessmentBody())).body.networkId).toBe(ids.networks.ploermel));
  });

  afterAll(async () => {
    await referral?.stop();
    await diagnostic?.stop();
  });

  describe('person references', () => {
    it('issues a reference for a person new to Relais; the event carries it and the structure may use it afterwards', async () => {
      const created = await post(tokens.ploermelAgent, assessmentBody());
      expect(created.status).toBe(201);
      const personRef = created.body.personRef ?? '';
      expect(personRef).toMatch(ISSUED_PERSON_REF);
      const event = await eventually(async () => {
        const found = (await referral.received('fr.relais.diagnostic.assessment.completed.v1')).find((e) => e.assessmentId === created.body.assessmentId);
        expect(found).toBeDefined();
        return found!;
      });
      expect(event.personRef).toBe(personRef);
      const again = await post(tokens.ploermelAgent, assessmentBody(personRef));
      expect(again.status).toBe(201);
      expect(again.body.personRef).toBe(personRef);
      expect(again.ms).toBeLessThan(1_500); // linked at once: no wait
    });

    it('answers a reference the structure is not linked to with the same 404 as one that does not exist, after waiting for the link', async () => {
      const existing = (await post(tokens.ploermelAgent, assessmentBody())).body.personRef ?? '';
      const [notLinked, unknown] = await Promise.all([post(tokens.mauronAgent, assessmentBody(existing)), post(tokens.mauronAgent, assessmentBody(issuePersonRef()))]);
      expect([notLinked.status, unknown.status]).toEqual([404, 404]);
      const shape = (p: Problem) => ({ type: p.type, title: p.title, status: p.status, detail: p.detail });
      expect(shape(notLinked.body)).toEqual(shape(unknown.body));
      // Both waited for a link (DIAGNOSTIC_LINK_WAIT_MS, 2 s) before saying no: the delay tells nothing either.
      expect(notLinked.ms).toBeGreaterThanOrEqual(1_900);
      expect(unknown.ms).toBeGreaterThanOrEqual(1_900);
      // Nothing was recorded for the structure that was refused.
      expect(await sql(db, `SELECT 1 FROM assessment WHERE person_ref = $1 AND structure_id = $2`, [existing, mauron])).toHaveLength(0);
    });

    it('accepts the reference once the referral service links the structure, waiting for a link that arrives late', async () => {
      const personRef = (await post(tokens.ploermelAgent, assessmentBody())).body.personRef ?? '';
      const pending = post(tokens.mauronAgent, assessmentBody(personRef));
      await new Promise((resolve) => setTimeout(resolve, 400));
      await link(personRef, mauron, 'referral-received');
      const created = await pending;
      expect(created.status).toBe(201);
      expect(created.body.personRef).toBe(personRef);
      expect(created.ms).toBeGreaterThanOrEqual(400);
    });
  });

  describe('reads', () => {
    it('writes every read of personal data to the audit log, in full or pseudonymized, and nothing for a refused read', async () => {
      const created = (await post(tokens.ploermelAgent, assessmentBody())).body;
      const { assessmentId } = created;
      const personRef = created.personRef ?? '';
      expect((await read(tokens.ploermelAgent, assessmentId)).body).toMatchObject({ personRef, pseudonymized: false, answers: expect.any(Object) });
      expect((await read(tokens.coordPloermel, assessmentId)).body).toMatchObject({ personRef: null, pseudonymized: true });
      expect((await read(tokens.admin, assessmentId)).body).toMatchObject({ personRef: null, pseudonymized: true });
      expect((await read(tokens.mauronAgent, assessmentId)).status).toBe(404);
      expect((await read(tokens.coordVannes, assessmentId)).status).toBe(404);
      expect((await call(diagnostic, 'GET', `/v1/assessments/${assessmentId}`, null)).status).toBe(401);
      expect((await call(diagnostic, 'GET', `/v1/persons/${personRef}/assessments`, tokens.ploermelAgent)).status).toBe(200);
      // A person's history is asked for by reference: no pseudonymized history.
      expect((await call(diagnostic, 'GET', `/v1/persons/${personRef}/assessments`, tokens.coordPloermel)).status).toBe(404);

      const entries = await sql<{ action: string; actor_subject: string; actor_roles: string[]; actor_structure_id: string | null; assessment_id: string; fields: string[] }>(
        db,
        `SELECT action, actor_subject, actor_roles, actor_structure_id, assessment_id, fields FROM audit_log WHERE person_ref = $1 ORDER BY id`,
        [personRef],
      );
      expect(entries).toEqual([
        { action: 'read', actor_subject: 'agent.mediatheque-ploermel', actor_roles: ['agent'], actor_structure_id: ploermel, assessment_id: assessmentId, fields: ['personRef', 'answers', 'result'] },
        { action: 'read', actor_subject: 'coord.ploermel', actor_roles: ['coordinator'], actor_structure_id: null, assessment_id: assessmentId, fields: ['result'] },
        { action: 'read', actor_subject: 'admin.departement', actor_roles: ['admin'], actor_structure_id: null, assessment_id: assessmentId, fields: ['result'] },
        {
          action: 'read-history',
          actor_subject: 'agent.mediatheque-ploermel',
          actor_roles: ['agent'],
          actor_structure_id: ploermel,
          assessment_id: assessmentId,
          fields: ['personRef', 'level', 'score', 'domains', 'barriers', 'recommendedRoles'],
        },
      ]);

      // The département's DPO lists them; nobody else does.
      const audit = await call<{ items: Array<{ action: string; actor: { subject: string }; personRef: string }> }>(diagnostic, 'GET', `/v1/audit?personRef=${personRef}`, tokens.admin);
      expect(audit.status).toBe(200);
      expect(audit.body.items.map((i) => i.actor.subject)).toEqual(['agent.mediatheque-ploermel', 'admin.departement', 'coord.ploermel', 'agent.mediatheque-ploermel']);
      expect((await call(diagnostic, 'GET', `/v1/audit?personRef=${personRef}`, tokens.ploermelAgent)).status).toBe(403);

      // Paged like every list: `cursor` takes the previous page's `nextCursor` (null on the last page).
      type AuditPage = { items: Array<{ id: string }>; nextCursor: string | null };
      const firstPage = await call<AuditPage>(diagnostic, 'GET', `/v1/audit?personRef=${personRef}&limit=3`, tokens.admin);
      expect(firstPage.body.items).toHaveLength(3);
      const lastPage = await call<AuditPage>(diagnostic, 'GET', `/v1/audit?personRef=${personRef}&limit=3&cursor=${firstPage.body.nextCursor ?? ''}`, tokens.admin);
      expect([...firstPage.body.items, ...lastPage.body.items].map((i) => i.id)).toEqual((audit.body as unknown as AuditPage).items.map((i) => i.id));
      expect(lastPage.body.nextCursor).toBeNull();
      expect((await call(diagnostic, 'GET', '/v1/audit?cursor=garbage', tokens.admin)).status).toBe(400);
    });

    it('keeps the audit log append-only', async () => {
      // Refused by the table's trigger, or before it by the service role's privileges (INSERT and SELECT only).
      const refused = /append-only|permission denied/;
      await expect(sql(db, `UPDATE audit_log SET actor_subject = 'someone-else'`)).rejects.toThrow(refused);
      await expect(sql(db, `DELETE FROM audit_log`)).rejects.toThrow(refused);
      await expect(sql(db, `TRUNCATE audit_log`)).rejects.toThrow(refused);
    });
  });

  describe('grants from referrals', () => {
    it('gives the receiver access when the sender ran the assessment or was given it, and never on a forged or mismatched referral', async () => {
      const created = (await post(tokens.ploermelAgent, assessmentBody())).body;
      const { assessmentId } = created;
      const personRef = created.personRef ?? '';
      const otherPerson = (await post(tokens.ploermelAgent, assessmentBody())).body.personRef ?? '';

      // Forged: the CAF never ran this assessment nor was given it, yet names it in a referral to itself.
      const forged = await referral.publish('fr.relais.referral.referral.requested.v1', referralRequested({ personRef, assessmentId, from: caf, to: caf }));
      // Mismatched: the médiathèque ran it, but for another person than the referral's.
      const mismatched = await referral.publish(
        'fr.relais.referral.referral.requested.v1',
        referralRequested({ personRef: otherPerson, assessmentId, from: ploermel, to: kercado }),
      );
      await eventually(async () => expect((await applied(db, forged)) && (await applied(db, mismatched))).toBe(true));
      expect(await sql(db, `SELECT structure_id FROM assessment_grant WHERE assessment_id = $1`, [assessmentId])).toEqual([]);
      expect((await read(tokens.cafAgent, assessmentId)).status).toBe(404);
      expect((await read(tokens.kercadoAgent, assessmentId)).status).toBe(404);

      // The médiathèque that ran it refers the person to Mauron: shared.
      const toMauron = referralRequested({ personRef, assessmentId, from: ploermel, to: mauron });
      await referral.publish('fr.relais.referral.referral.requested.v1', toMauron);
      await eventually(async () => expect((await read(tokens.mauronAgent, assessmentId)).status).toBe(200));
      // Mauron, given it by consent, refers the person on to the CAF: shared again.
      await referral.publish('fr.relais.referral.referral.requested.v1', referralRequested({ personRef, assessmentId, from: mauron, to: caf }));
      await eventually(async () => expect((await read(tokens.cafAgent, assessmentId)).status).toBe(200));

      // Once the person withdraws the consent Mauron held it by, Mauron can no longer pass it on.
      await referral.publish('fr.relais.referral.referral.consent-revoked.v1', {
        referralId: toMauron.referralId,
        personRef,
        sendingStructureId: ploermel,
        receivingStructureId: mauron,
        receivingServiceId: toMauron.receivingServiceId,
        networkId: toMauron.networkId,
        by: toMauron.by,
        at: new Date().toISOString(),
      });
      await eventually(async () => expect((await read(tokens.mauronAgent, assessmentId)).status).toBe(404));
      const late = await referral.publish('fr.relais.referral.referral.requested.v1', referralRequested({ personRef, assessmentId, from: mauron, to: kercado }));
      await eventually(async () => expect(await applied(db, late)).toBe(true));
      expect((await read(tokens.kercadoAgent, assessmentId)).status).toBe(404);
    });
  });

  describe('erasure', () => {
    it('erases every assessment, answer, consent, grant, link and the person key of the person, and nothing of anyone else', async () => {
      const first = (await post(tokens.ploermelAgent, assessmentBody())).body;
      const personRef = first.personRef ?? '';
      const second = (await post(tokens.ploermelAgent, assessmentBody(personRef))).body;
      await link(personRef, mauron, 'referral-received');
      await referral.publish('fr.relais.referral.referral.requested.v1', referralRequested({ personRef, assessmentId: first.assessmentId, from: ploermel, to: mauron }));
      await eventually(async () => expect((await read(tokens.mauronAgent, first.assessmentId)).status).toBe(200));
      const bystander = (await post(tokens.ploermelAgent, assessmentBody())).body;

      const counts = async (ref: string) =>
        (
          await sql<Record<string, string>>(
            db,
            `SELECT (SELECT count(*) FROM assessment WHERE person_ref = $1) AS assessments,
                    (SELECT count(*) FROM assessment_consent WHERE assessment_id = ANY($2::uuid[])) AS consents,
                    (SELECT count(*) FROM assessment_grant WHERE assessment_id = ANY($2::uuid[])) AS grants,
                    (SELECT count(*) FROM person_link WHERE person_ref = $1) AS links,
                    (SELECT count(*) FROM person_keys WHERE person_ref = $1) AS keys`,
            [ref, [first.assessmentId, second.assessmentId, bystander.assessmentId]],
          )
        )[0];
      expect(await counts(personRef)).toEqual({ assessments: '2', consents: '3', grants: '1', links: '2', keys: '1' });

      await referral.publish('fr.relais.referral.person.erased.v1', {
        personRef,
        by: { role: 'agent', structureId: ploermel, subject: 'agent.mediatheque-ploermel' },
        at: new Date().toISOString(),
      });
      await eventually(async () => expect((await read(tokens.ploermelAgent, first.assessmentId)).status).toBe(404));
      // Only the bystander's consent remains among the three assessments.
      expect(await counts(personRef)).toEqual({ assessments: '0', consents: '1', grants: '0', links: '0', keys: '0' });
      expect((await read(tokens.mauronAgent, first.assessmentId)).status).toBe(404);
      expect((await read(tokens.ploermelAgent, bystander.assessmentId)).status).toBe(200);
      expect(await sql(db, `SELECT action, actor_subject FROM audit_log WHERE person_ref = $1 AND action = 'erase'`, [personRef])).toEqual([
        { action: 'erase', actor_subject: 'agent.mediatheque-ploermel' },
      ]);
      // The reference is of no use any more, even to the structure that ran the assessments.
      expect((await post(tokens.ploermelAgent, assessmentBody(personRef))).status).toBe(404);
    });
  });

  describe('Idempotency-Key', () => {
    it('belongs to one user of one structure, or to one client: colleagues and software never replay each other', async () => {
      const key = randomUUID();
      const body = assessmentBody(undefined, '56080');
      const lea = await post(tokens.cafAgent, body, { 'idempotency-key': key });
      const erwan = await post(tokens.caf2Agent, body, { 'idempotency-key': key });
      const software = await post(tokens.cafIntegration, body, { 'idempotency-key': key });
      expect([lea.status, erwan.status, software.status]).toEqual([201, 201, 201]);
      expect(new Set([lea.body.assessmentId, erwan.body.assessmentId, software.body.assessmentId]).size).toBe(3);
      const leaAgain = await post(tokens.cafAgent, body, { 'idempotency-key': key });
      const softwareAgain = await post(tokens.cafIntegration, body, { 'idempotency-key': key });
      expect([leaAgain.status, softwareAgain.status]).toEqual([201, 201]);
      expect([leaAgain.headers.get('idempotent-replayed'), softwareAgain.headers.get('idempotent-replayed')]).toEqual(['true', 'true']);
      expect(leaAgain.body.assessmentId).toBe(lea.body.assessmentId);
      expect(softwareAgain.body.assessmentId).toBe(software.body.assessmentId);
    });
  });
});
