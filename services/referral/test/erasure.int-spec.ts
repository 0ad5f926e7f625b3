import { randomBytes, randomUUID } from 'node:crypto';
import { eventually, serviceTestEnvironment, testKafkaClient } from '@relais/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { buildService, startServiceProcess, type ServiceProcess } from './support/service-process';
import { asClient, asUser, clients, directoryPublisher, kafkaProducer, seedDirectory, serviceOf, users, type Caller } from './support/referral-kit';

/**
 * The right to erasure, checked where data could hide: every column of every table of the referral
 * database, every record of every topic the service wrote to (values, keys, headers), and everything
 * the service process wrote to its stdout and stderr — the service runs as a real process, with debug logs.
 */
describe('erasure of a person leaves nothing readable in tables, topics or logs', () => {
  const person = {
    firstName: 'Zéphyrine',
    lastName: 'Quintal-Morvan',
    phone: '+33698765432',
    email: 'zephyrine.quintal@example.net',
    contactPreference: 'sms',
  };
  const reason = 'Renouvellement RSA bloqué, dossier ZXQ-REASON-7731';
  const comment = 'Jointe au 06 98 76 54 32, ZXQ-COMMENT-5520';
  const summary = 'Compte créé avec elle, ZXQ-OUTCOME-3319';
  const needles = [person.firstName, person.lastName, person.phone, '698765432', '98 76 54 32', person.email, 'zephyrine', 'ZXQ-REASON-7731', 'RSA bloqué', 'ZXQ-COMMENT-5520', 'ZXQ-OUTCOME-3319'];

  let build: { dir: string; remove(): void };
  let service: ServiceProcess;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let db: Client;
  let sender: Caller;
  let senderIntegration: Caller;
  let receiver: Caller;
  let nextReceiver: Caller;
  let admin: Caller;
  const ids: string[] = [];
  /** Issued by Relais when the first referral registers the person. */
  let reference = '';

  const call = async (method: string, path: string, caller: Caller | null, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { ...(caller ? { authorization: `Bearer ${caller.token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  beforeAll(async () => {
    build = buildService();
    ({ env, drop } = await serviceTestEnvironment('referral'));
    Object.assign(env, { REFERRAL_MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'debug', REFERRAL_SLA_SWEEP_INTERVAL_MS: '500' });
    service = await startServiceProcess(build.dir, env);
    db = new Client({ connectionString: env['DATABASE_URL'] });
    await db.connect();
    [sender, senderIntegration, receiver, nextReceiver, admin] = await Promise.all([
      asUser(users.cafAgent),
      asClient(clients.cafIntegration),
      asUser(users.associationAgent),
      asUser(users.ccasLorientAgent),
      asUser(users.admin),
    ]);
    const producer = await kafkaProducer((env['KAFKA_BROKERS'] ?? '').split(','));
    try {
      await seedDirectory(directoryPublisher(producer, env['KAFKA_TOPIC_PREFIX'] ?? ''), db, [
        sender.structureId ?? '',
        receiver.structureId ?? '',
        nextReceiver.structureId ?? '',
      ]);
    } finally {
      await producer.disconnect();
    }
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await db?.end();
    await drop?.();
    build?.remove();
  });

  const body = (consentSharedWith: string) => ({
    receivingServiceId: serviceOf(receiver.structureId ?? ''),
    person,
    reason,
    needs: ['numerique--acceder-a-des-services-en-ligne'],
    urgency: 'urgent',
    consent: { scope: ['contact', 'reason', 'assessment'], method: 'written', obtainedAt: new Date(Date.now() - 60_000).toISOString(), sharedWith: consentSharedWith },
  });

  it('lives the person’s story: referrals, notes, a redirect that carries the data, an outcome, a withdrawal, reads', async () => {
    const first = await call('POST', '/v1/referrals', sender, body('receiver-and-redirects'), { 'idempotency-key': `dossier-${randomUUID()}` });
    expect(first.status).toBe(201);
    ids.push(String(first.body['id']));
    reference = String(first.body['personReference']);
    expect(reference).toMatch(/^p-[a-z2-7]{26}$/);
    expect((await call('POST', `/v1/referrals/${ids[0]}/transitions`, receiver, { status: 'received', comment })).status).toBe(200);
    const redirect = await call('POST', `/v1/referrals/${ids[0]}/transitions`, receiver, {
      status: 'redirected',
      redirectToServiceId: serviceOf(nextReceiver.structureId ?? ''),
      reasonCode: 'autre',
      comment,
    });
    ids.push(String(redirect.body['redirectedToReferralId']));
    for (const status of ['received', 'accepted', 'in-progress']) {
      expect((await call('POST', `/v1/referrals/${ids[1]}/transitions`, nextReceiver, { status, comment })).status).toBe(200);
    }
    expect((await call('POST', `/v1/referrals/${ids[1]}/transitions`, nextReceiver, { status: 'completed', outcome: { summary, nextStep: 'formation', autonomyGained: 'partiel' } })).status).toBe(200);
    // The CAF's own software refers the same person again by the reference its structure is linked to.
    const third = await call('POST', '/v1/referrals', senderIntegration, { ...body('receiver'), person: { reference } });
    expect(third.status).toBe(201);
    ids.push(String(third.body['id']));
    expect((await call('POST', `/v1/referrals/${ids[2]}/consent/revocation`, senderIntegration)).status).toBe(200);
    // A malformed request carrying personal data: refused without echoing it.
    const bad = await call('POST', '/v1/referrals', sender, { ...body('receiver'), person: { ...person, email: 'zephyrine.quintal@' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).not.toContain('zephyrine');

    const read = await call('GET', `/v1/referrals/${ids[1]}`, nextReceiver);
    expect(read.body['person']).toMatchObject({ firstName: person.firstName, phone: person.phone });
    expect(read.body['reason']).toBe(reason);
    expect((read.body['outcome'] as { summary: string }).summary).toBe(summary);
    expect((await call('GET', `/v1/journeys/${reference}`, sender)).status).toBe(200);

    // Encrypted at rest: even before erasure, no table holds the person's data in clear.
    expect(await scanDatabase(db, needles)).toEqual([]);
  });

  it('erases: the key is gone, the sealed fields are cleared, the referrals stay and are counted', async () => {
    expect((await call('DELETE', `/v1/persons/${reference}`, receiver)).body).toMatchObject({
      personReference: reference,
      referralsErased: 3,
    });
    const { rows: keys } = await db.query(`SELECT 1 FROM person_keys WHERE person_ref = $1`, [reference]);
    expect(keys).toHaveLength(0);
    const { rows: counted } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM referrals WHERE person_ref = $1`, [reference]);
    expect(Number(counted[0]?.n)).toBe(3);

    for (const id of ids) {
      const seen = await call('GET', `/v1/referrals/${id}`, sender);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ personErased: true, person: { reference: reference } });
      expect(Object.keys(seen.body['person'] as object).sort()).toEqual(['contactPreference', 'reference']);
      expect(JSON.stringify(seen.body)).not.toMatch(/Zéphyrine|ZXQ-/);
    }
    const journey = await call('GET', `/v1/journeys/${reference}`, admin);
    expect((journey.body['referrals'] as unknown[]).length).toBe(3);
    // The erasure itself is audited, pseudonymously.
    const audit = await call('GET', `/v1/audit?personReference=${reference}`, admin);
    expect((audit.body['items'] as Array<{ action: string }>).map((item) => item.action)).toContain('erase');
    // Only the structures of the person's referrals (or an administrator) may erase; others get 404.
    expect((await call('DELETE', `/v1/persons/${reference}`, await asUser(users.pontivyAgent))).status).toBe(404);
    // Once erased, the reference leads nowhere, even for the structures that were linked.
    expect((await call('DELETE', `/v1/persons/${reference}`, sender)).status).toBe(404);
    expect((await call('GET', `/v1/persons/${reference}`, sender)).status).toBe(404);
    expect((await call('POST', '/v1/referrals', sender, { ...body('receiver'), person: { reference } })).status).toBe(404);
  });

  it('leaves no trace in any column of any table', async () => {
    const scanned = await scanDatabase(db, needles);
    expect(scanned).toEqual([]);
    // The scanner does see what is there: the pseudonymous reference remains, on purpose.
    expect((await scanDatabase(db, [reference])).length).toBeGreaterThan(0);
  });

  it('leaves no trace in any record of any topic the service wrote to', async () => {
    await eventually(async () => {
      const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL`);
      expect(Number(rows[0]?.n)).toBe(0);
    });
    const records = await readAllTopics((env['KAFKA_BROKERS'] ?? '').split(','), env['KAFKA_TOPIC_PREFIX'] ?? '');
    const referralRecords = records.filter((r) => r.topic.endsWith('relais.referral.referral.v1'));
    // A: requested, received, redirected; B: requested, received, accepted, started, completed; C: requested, consent-revoked; 3 × person-erased.
    expect(referralRecords).toHaveLength(13);
    expect(referralRecords.filter((r) => r.headers['ce_type'] === 'fr.relais.referral.referral.person-erased.v1').map((r) => r.key).sort()).toEqual([...ids].sort());
    // The person's topic: the three structures linked to them, then the erasure every service acts on.
    const personRecords = records.filter((r) => r.topic.endsWith('relais.referral.person.v1'));
    expect(personRecords.map((r) => [r.headers['ce_type'], r.key])).toEqual([
      ['fr.relais.referral.person.linked.v1', reference],
      ['fr.relais.referral.person.linked.v1', reference],
      ['fr.relais.referral.person.linked.v1', reference],
      ['fr.relais.referral.person.erased.v1', reference],
    ]);
    const hits = records.flatMap((record) => needles.filter((needle) => record.text.toLowerCase().includes(needle.toLowerCase())).map((needle) => `${record.topic}: ${needle}`));
    expect(hits).toEqual([]);
    expect(records.some((record) => record.text.includes(reference))).toBe(true);
  });

  it('leaves no trace in the service’s logs', () => {
    const logs = service.logs();
    expect(logs).toMatch(/request completed/);
    expect(logs).toContain('/api/referral/v1/persons/');
    const hits = needles.filter((needle) => logs.toLowerCase().includes(needle.toLowerCase()));
    expect(hits).toEqual([]);
  });
});

async function scanDatabase(db: Client, needles: string[]): Promise<string[]> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['referrals', 'referral_transitions', 'audit_log', 'messaging_outbox', 'idempotency_keys', 'person_keys', 'persons', 'person_links']));
  const hits: string[] = [];
  for (const { table_name: table } of tables) {
    const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM "${table}"`);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const texts = Buffer.isBuffer(value) ? [value.toString('utf8'), value.toString('latin1')] : [typeof value === 'string' ? value : JSON.stringify(value)];
        for (const needle of needles) {
          if (texts.some((text) => text.toLowerCase().includes(needle.toLowerCase()))) hits.push(`${table}.${column}: ${needle}`);
        }
      }
    }
  }
  return hits;
}

async function readAllTopics(brokers: string[], prefix: string): Promise<Array<{ topic: string; key: string | null; headers: Record<string, string>; text: string }>> {
  const kafka = new Kafka({ clientId: 'erasure-scan', ...testKafkaClient(), brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
  let expected = 0;
  for (const topic of topics) {
    for (const partition of await admin.fetchTopicOffsets(topic)) expected += Number(partition.high) - Number(partition.low);
  }
  await admin.disconnect();
  const records: Array<{ topic: string; key: string | null; headers: Record<string, string>; text: string }> = [];
  if (expected === 0) return records;
  const consumer = kafka.consumer({ groupId: `erasure-scan-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${expected} records`)), 30_000);
      void consumer.run({
        eachMessage: ({ topic, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            const last = Array.isArray(value) ? value[value.length - 1] : value;
            if (last !== undefined) headers[name] = last.toString();
          }
          const key = message.key?.toString() ?? null;
          records.push({ topic, key, headers, text: `${key ?? ''} ${JSON.stringify(headers)} ${message.value?.toString() ?? ''}` });
          if (records.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
