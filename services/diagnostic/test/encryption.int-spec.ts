import { randomBytes, randomUUID } from 'node:crypto';
import { MessagingTables1732350000000 } from '@relais/messaging';
import { dataSourceOptions } from '@relais/persistence';
import { requestFingerprint } from '@relais/platform';
import { countKeysById, FieldCipher, parseMasterKeyRing, rotatePersonKeys, wrappedKeyId } from '@relais/privacy';
import { createTestDatabase, type TestService } from '@relais/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DiagnosticSchema1732400000000 } from '../migrations/1732400000000-diagnostic-schema';
import { neverUsedDigital, person } from './scenarios/scenario';
import { call, demoTokens, ringOf, sql, startDiagnostic } from './support/diagnostic-kit';
import { ids } from './support/directory-fixtures';

interface Assessment {
  assessmentId: string;
  personRef: string | null;
  communeName: string | null;
  answers?: Record<string, unknown>;
}

const caf = ids.structures.cafVannes;

/** What an assessment looked like in the database before sealing: answers and result in clear. */
const legacy = {
  assessmentId: randomUUID(),
  personRef: 'p-legacy-guilliers-0001',
  idempotencyKey: randomUUID(),
  answers: { smartphone: 'non', 'envie-apprendre': 'plus-tard', 'besoins-accessibilite': ['vue'] },
  body: () => ({ personRef: legacy.personRef, communeCode: '56080', consent: { given: true, method: 'oral' }, answers: legacy.answers }),
  result: {
    structureId: caf,
    communeCode: '56080',
    communeName: 'Guilliers',
    networkId: null,
    questionnaireVersion: '0-legacy',
    questionnaireHash: 'legacy',
    rulesVersion: '0',
    completedAt: '2026-01-15T10:00:00.000Z',
    autonomy: { level: 'a-faire-pour', label: 'à faire pour', scale: [], coopAutonomy: 'entierement-accompagne', score: 0, domains: [], explanation: [] },
    barriers: [{ barrier: 'handicap', label: 'handicap', reason: 'besoin d’adaptation : vue' }],
    procedures: [],
    urgentProcedures: [],
    recommendedRoles: [],
    candidates: [],
  },
};

/**
 * Encryption at rest: answers and results sealed under the person's key, rows stored in clear before
 * sealed by the migration (and nothing readable left in the table), and a master key rotation with the
 * service running, after which the previous key can leave the ring. One database through three starts.
 */
describe('diagnostic: answers sealed at rest, the migration of clear rows, master key rotation', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  let database: { url: string; drop(): Promise<void> };
  let tokens: Awaited<ReturnType<typeof demoTokens>>;
  let service: TestService | undefined;
  const created: string[] = [];

  const start = async (ring: string) => {
    service = await startDiagnostic({ DATABASE_URL: database.url, DIAGNOSTIC_MASTER_KEYS: ring });
    return service;
  };
  const stop = async () => {
    await service?.stop();
    service = undefined;
  };

  beforeAll(async () => {
    database = await createTestDatabase('diagnostic_sealing');
    tokens = await demoTokens();
    // The schema as it was before this change, with one assessment the CAF ran (answers in clear).
    const before = new DataSource({ ...dataSourceOptions({ url: database.url, entities: [], migrations: [MessagingTables1732350000000, DiagnosticSchema1732400000000] }) });
    await before.initialize();
    await before.runMigrations({ transaction: 'each' });
    await before.destroy();
    await sql(database.url, `INSERT INTO questionnaire_version (version, content_hash, content) VALUES ('0-legacy', 'legacy', '{}')`);
    await sql(database.url, `INSERT INTO assessment_consent VALUES ($1, 'oral', $2, $3, 'agent.caf-vannes')`, [legacy.assessmentId, legacy.result.completedAt, caf]);
    await sql(
      database.url,
      `INSERT INTO assessment (assessment_id, person_ref, structure_id, network_id, commune_code, recorded_by_subject, recorded_by_role,
         questionnaire_version, rules_version, answers, level, score, result, completed_at, idempotency_key, request_hash)
       VALUES ($1, $2, $3, NULL, '56080', 'agent.caf-vannes', 'agent', '0-legacy', '0', $4, 'a-faire-pour', 0, $5, $6, $7, $8)`,
      [
        legacy.assessmentId,
        legacy.personRef,
        caf,
        JSON.stringify(legacy.answers),
        JSON.stringify(legacy.result),
        legacy.result.completedAt,
        legacy.idempotencyKey,
        requestFingerprint(legacy.body()),
      ],
    );
  });

  afterAll(async () => {
    await stop();
    await database?.drop();
  });

  it('seals rows stored in clear in the migration, keeps them readable, and leaves nothing readable in the table', async () => {
    const diagnostic = await start(ringOf({ k1 }));
    const read = await call<Assessment>(diagnostic, 'GET', `/v1/assessments/${legacy.assessmentId}`, tokens.cafAgent);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ personRef: legacy.personRef, communeName: 'Guilliers', answers: legacy.answers });

    const columns = await sql<{ column_name: string }>(database.url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'assessment'`);
    expect(columns.map((c) => c.column_name)).toEqual(expect.arrayContaining(['answers_sealed', 'result_sealed']));
    expect(columns.map((c) => c.column_name)).not.toEqual(expect.arrayContaining(['answers']));
    expect(columns.map((c) => c.column_name)).not.toEqual(expect.arrayContaining(['result']));

    // A new assessment is sealed too.
    const fresh = await call<Assessment>(diagnostic, 'POST', '/v1/assessments', tokens.cafAgent, {
      communeCode: '56260',
      consent: { given: true, method: 'oral' },
      answers: person({ ...neverUsedDigital, 'besoins-accessibilite': ['audition'], 'tranche-age': '60-74' }),
    });
    expect(fresh.status).toBe(201);
    created.push(fresh.body.assessmentId);
    const rows = await sql<{ answers_sealed: Buffer; result_sealed: Buffer }>(database.url, `SELECT answers_sealed, result_sealed FROM assessment`);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const bytes = Buffer.concat([row.answers_sealed, row.result_sealed]).toString('latin1');
      for (const clear of ['plus-tard', 'audition', 'Guilliers', 'Vannes', 'handicap', 'smartphone']) expect(bytes).not.toContain(clear);
    }
    const keys = await sql<{ person_ref: string; wrapped_key: Buffer }>(database.url, `SELECT person_ref, wrapped_key FROM person_keys`);
    expect(keys.map((k) => k.person_ref).sort()).toEqual([legacy.personRef, fresh.body.personRef].sort());
    expect(keys.map((k) => wrappedKeyId(k.wrapped_key))).toEqual(['k1', 'k1']);

    // The structure that ran the old assessment is linked to its person; its Idempotency-Key is the agent's own.
    const replay = await call<Assessment>(diagnostic, 'POST', '/v1/assessments', tokens.cafAgent, legacy.body(), { 'idempotency-key': legacy.idempotencyKey });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.assessmentId).toBe(legacy.assessmentId);
    // A colleague's request with the same key is a new request of theirs (valid answers this time, the old ones predate the questionnaire).
    const colleague = await call<Assessment>(
      diagnostic,
      'POST',
      '/v1/assessments',
      tokens.caf2Agent,
      { ...legacy.body(), answers: person({ ...neverUsedDigital, 'tranche-age': '60-74' }) },
      { 'idempotency-key': legacy.idempotencyKey },
    );
    expect(colleague.status).toBe(201);
    created.push(colleague.body.assessmentId);
    await stop();
  });

  it('rotates the master key with the service running; afterwards the previous key can leave the ring', async () => {
    // 1. The new key becomes current, the previous one stays for reading.
    const ring = ringOf({ k2, k1 });
    const diagnostic = await start(ring);
    const during = await call<Assessment>(diagnostic, 'POST', '/v1/assessments', tokens.cafAgent, {
      communeCode: '56260',
      consent: { given: true, method: 'written' },
      answers: person({ ...neverUsedDigital, 'tranche-age': '26-59' }),
    });
    expect(during.status).toBe(201);
    created.push(during.body.assessmentId);
    const keyOf = async (personRef: string | null) =>
      wrappedKeyId((await sql<{ wrapped_key: Buffer }>(database.url, `SELECT wrapped_key FROM person_keys WHERE person_ref = $1`, [personRef]))[0]?.wrapped_key ?? Buffer.alloc(0));
    expect(await keyOf(during.body.personRef)).toBe('k2');
    expect(await keyOf(legacy.personRef)).toBe('k1');

    // 2. keys:rotate re-wraps what k1 wrapped while the service keeps answering reads.
    const rotator = new Client({ connectionString: database.url });
    await rotator.connect();
    const reads = Promise.all([legacy.assessmentId, ...created].map((id) => call(diagnostic, 'GET', `/v1/assessments/${id}`, tokens.cafAgent)));
    const report = await rotatePersonKeys(rotator, new FieldCipher(parseMasterKeyRing('DIAGNOSTIC_MASTER_KEYS', ring)), { batchSize: 1 });
    expect((await reads).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(report).toMatchObject({ rewrapped: 2, failed: 0 });
    expect(await countKeysById(rotator)).toEqual({ k2: 3 });
    await rotator.end();
    await stop();

    // 3. Without k1, every assessment still opens: only the wrapped keys changed, never the sealed answers.
    const after = await start(ringOf({ k2 }));
    for (const id of [legacy.assessmentId, ...created]) {
      const read = await call<Assessment>(after, 'GET', `/v1/assessments/${id}`, tokens.cafAgent);
      expect(read.status).toBe(200);
      expect(read.body.answers).toEqual(expect.any(Object));
    }
    expect((await call<Assessment>(after, 'GET', `/v1/assessments/${legacy.assessmentId}`, tokens.cafAgent)).body.answers).toEqual(legacy.answers);
  });
});
