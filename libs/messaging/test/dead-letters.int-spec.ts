import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { createTestDatabase, eventually, testInfrastructure, uniqueTopicPrefix } from '@relais/testing';
import { DeadLetters, runDeadLettersCommand, type DeadLetter } from '../src';
import { cloudEventHeaders } from '../src/testing';
import { serviceSnapshot } from './support/fixtures';
import { produceRaw, readRecords } from './support/raw-records';
import { groupCaughtUp, kafkaAdmin, projections, projector, publishSnapshots, RecordingLogger, SERVICE_SNAPSHOT, SERVICE_TOPIC, startTestApp } from './support/test-app';

describe('failures: retries with backoff, dead letters, redrive', () => {
  const brokers = testInfrastructure().kafkaBrokers;
  const prefix = uniqueTopicPrefix('dlt');
  const topic = `${prefix}${SERVICE_TOPIC}`;
  const retryTopic = `${topic}.retry.directory`;
  const deadLetterTopic = `${topic}.dlt`;
  let database: { url: string; drop(): Promise<void> };
  let app: INestApplicationContext;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    database = await createTestDatabase('messaging_dlt');
    app = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers, consumer: { concurrency: 2, retryDelaysMs: [300, 800] }, logger });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const applied = async (serviceId: string) => (await projections(app)).find((row) => row.serviceId === serviceId)?.applied ?? 0;
  const deadLetters = () => app.get(DeadLetters);

  it('retries a transient failure after growing delays without holding up the topic', async () => {
    const flaky = serviceSnapshot({ name: 'flaky: Maison France Services de Josselin' });
    const next = serviceSnapshot({ name: 'Médiathèque de Locminé' });
    const [flakyId] = await publishSnapshots(app, [flaky, next]);

    // The next event is applied while the flaky one waits in the retry topic.
    await eventually(async () => expect(await applied(next.serviceId)).toBe(1));
    await eventually(async () => expect(await applied(flaky.serviceId)).toBe(1), { timeoutMs: 10_000 });
    expect(projector(app).handled.find((event) => event.id === flakyId)?.attempt).toBe(3);

    const retries = await readRecords(brokers, retryTopic, (records) => records.filter((r) => r.headers['ce_id'] === flakyId).length === 2);
    const mine = retries.filter((r) => r.headers['ce_id'] === flakyId);
    expect(mine.map((r) => r.headers['relais_attempt'])).toEqual(['2', '3']);
    expect(mine.map((r) => r.headers['relais_error'])).toEqual(['Error: database hiccup #1', 'Error: database hiccup #2']);
    const [firstRetry, secondRetry] = mine;
    // Each retry waits longer than the one before (300 ms, then 800 ms after the previous failure).
    expect(Number(secondRetry?.headers['relais_not_before']) - Number(firstRetry?.headers['relais_not_before'])).toBeGreaterThanOrEqual(800);
    expect(firstRetry?.headers).toMatchObject({ relais_original_topic: topic, relais_consumer: 'directory', ce_type: SERVICE_SNAPSHOT, ce_subject: flaky.serviceId });
  });

  it('dead-letters a transient failure once the attempts run out', async () => {
    projector(app).flakyFailures = 10;
    const hopeless = serviceSnapshot({ name: 'flaky forever: Point numérique de Malestroit' });
    const [id] = await publishSnapshots(app, [hopeless]);
    const letter = await eventually(async () => findLetter(await deadLetters().list(), id), { timeoutMs: 15_000 });
    expect(letter).toMatchObject({ reason: 'attempts-exhausted', attempts: 3, error: 'Error: database hiccup #3', topic: SERVICE_TOPIC, key: hopeless.serviceId });
    expect(await applied(hopeless.serviceId)).toBe(0);
    projector(app).flakyFailures = 2;
  });

  it('sends a poison message to the dead-letter topic at once while the partition keeps flowing, and redrives it once fixed', async () => {
    const serviceId = randomUUID();
    const poison = serviceSnapshot({ serviceId, version: 1, name: 'poison: Centre social de Kervénanec' });
    const after = serviceSnapshot({ serviceId, version: 2, name: 'Centre social de Kervénanec' });
    const others = Array.from({ length: 5 }, (_, i) => serviceSnapshot({ name: `Association Défi numérique ${i}` }));
    // Same key: same partition, behind the poison message.
    const [poisonId] = await publishSnapshots(app, [poison, after, ...others]);

    await eventually(async () => {
      expect(await applied(serviceId)).toBe(1);
      for (const other of others) expect(await applied(other.serviceId)).toBe(1);
    });
    const records = await readRecords(brokers, deadLetterTopic, (read) => read.some((r) => r.headers['ce_id'] === poisonId));
    expect(records.find((r) => r.headers['ce_id'] === poisonId)?.headers).toMatchObject({
      relais_original_topic: topic,
      relais_original_partition: expect.stringMatching(/^\d+$/),
      relais_original_offset: expect.stringMatching(/^\d+$/),
      relais_consumer: 'directory',
      relais_attempt: '1',
      relais_dead_letter_reason: 'permanent-error',
      relais_error: 'PermanentEventError: cannot project poison: Centre social de Kervénanec',
    });

    const letter = findLetter(await deadLetters().list({ topic: SERVICE_TOPIC }), poisonId);
    expect(letter).toMatchObject({ reason: 'permanent-error', attempts: 1, redrivenAt: null, payload: poison });

    // Fixed, then redriven: applied once. Redriving the same dead letter again does nothing.
    projector(app).fixed = true;
    expect(await deadLetters().redrive({ ids: [letter.id] })).toEqual({ redriven: [letter.id], skipped: [] });
    await eventually(() => expect(projector(app).handled.filter((event) => event.id === poisonId)).toHaveLength(1));
    expect(await applied(serviceId)).toBe(2);
    expect(await deadLetters().redrive({ ids: [letter.id] })).toEqual({ redriven: [], skipped: [{ id: letter.id, reason: 'already redriven' }] });
    expect(findLetter(await deadLetters().list({ includeRedriven: true }), poisonId).redrivenAt).toBeInstanceOf(Date);
    expect((await deadLetters().list()).some((l) => l.eventId === poisonId)).toBe(false);
  });

  it('dead-letters invalid and forged records at once, and skips types it does not handle or know', async () => {
    const good = serviceSnapshot();
    const headers = (type: string, source = '/relais/directory') => cloudEventHeaders({ id: randomUUID(), source, type, time: new Date(), subject: good.serviceId });
    const invalid = headers(SERVICE_SNAPSHOT);
    // A newer directory's type, during a rolling deploy: skipped, one warning for them all.
    const newer = [headers('fr.relais.directory.service.snapshot.v3'), headers('fr.relais.directory.service.snapshot.v3')];
    // Produced straight to the topic by someone who is not the directory (the test principal may write anywhere).
    const forged = headers(SERVICE_SNAPSHOT, '/relais/referral');
    const unhandled = headers('fr.relais.directory.structure.snapshot.v1');
    const tail = serviceSnapshot({ name: 'Après les messages invalides' });
    await produceRaw(brokers, topic, [
      { key: good.serviceId, value: JSON.stringify({ ...good, roles: [], email: 'jeanne@example.org' }), headers: invalid },
      ...newer.map((newerHeaders) => ({ key: good.serviceId, value: JSON.stringify(good), headers: newerHeaders })),
      { key: good.serviceId, value: JSON.stringify({ ...good, name: 'Usurpé' }), headers: forged },
      { key: good.serviceId, value: JSON.stringify(good), headers: { 'content-type': 'application/json' } },
    ]);
    // A type of the catalog that this topic does not carry: forged too, whoever the source says it is.
    await produceRaw(brokers, topic, [{ key: good.serviceId, value: '{"structureId":"x"}', headers: unhandled }]);
    await publishSnapshots(app, [tail]);
    await eventually(async () => expect(await applied(tail.serviceId)).toBe(1));

    const letters = await eventually(async () => {
      const found = (await deadLetters().list()).filter((letter) => letter.key === good.serviceId);
      expect(found).toHaveLength(4);
      return found;
    });
    expect(findLetter(letters, invalid.ce_id)).toMatchObject({ reason: 'invalid-payload', error: expect.stringMatching(/\/roles must NOT have fewer than 1 items.*« email »|« email ».*\/roles/) });
    expect(findLetter(letters, forged.ce_id)).toMatchObject({
      reason: 'forged',
      attempts: 1,
      error: `Error: ce_source /relais/referral is not the publisher of ${SERVICE_SNAPSHOT} (/relais/directory)`,
    });
    expect(findLetter(letters, unhandled.ce_id)).toMatchObject({ reason: 'forged', error: expect.stringContaining('is published on relais.directory.structure.v1, not on relais.directory.service.v1') });
    expect(letters.find((letter) => letter.eventId === undefined)).toMatchObject({ reason: 'not-a-cloudevent', error: expect.stringContaining('header ce_id is missing') });
    expect(letters.some((letter) => newer.some((skipped) => skipped.ce_id === letter.eventId))).toBe(false);
    expect(logger.warnings(/fr\.relais\.directory\.service\.snapshot\.v3/)).toEqual([expect.stringContaining('skipping fr.relais.directory.service.snapshot.v3')]);
    expect(await applied(good.serviceId)).toBe(0);
    // Every offset moved on, the skipped record's included.
    const admin = await kafkaAdmin(brokers);
    try {
      await eventually(async () => expect(await groupCaughtUp(admin, `${prefix}relais-directory`, topic)).toBe(true));
    } finally {
      await admin.disconnect();
    }
  });

  it('runs as a command: list, then redrive everything still waiting', async () => {
    const listed = await runDeadLettersCommand(app, ['list', '--topic', SERVICE_TOPIC, '--limit', '10']);
    const lines = listed.split('\n').map((line) => JSON.parse(line) as { id: string; reason: string });
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.every((line) => line.id.startsWith(`${SERVICE_TOPIC}.dlt:0:`))).toBe(true);

    const redriven = await runDeadLettersCommand(app, ['redrive', '--all']);
    expect(redriven).toMatch(new RegExp(`^redriven: ${lines.length}\\n`));
    // The exhausted one now succeeds (its failures were transient); the invalid ones come back as new
    // dead letters, and the redriven ones are not listed again.
    const stillBroken = lines.filter((line) => line.reason !== 'attempts-exhausted').length;
    expect(stillBroken).toBe(lines.length - 1);
    await eventually(async () => expect((await deadLetters().list()).length).toBe(stillBroken), { timeoutMs: 15_000 });
    const again = await deadLetters().list();
    expect(again.map((letter) => letter.id).some((id) => lines.some((line) => line.id === id))).toBe(false);
    await expect(runDeadLettersCommand(app, ['redrive'])).rejects.toThrow(/redrive needs either --all or ids/);
  });
});

function findLetter(letters: DeadLetter[], eventId: string | undefined): DeadLetter {
  const letter = letters.find((candidate) => candidate.eventId === eventId);
  if (!letter) throw new Error(`no dead letter for ${eventId}`);
  return letter;
}
