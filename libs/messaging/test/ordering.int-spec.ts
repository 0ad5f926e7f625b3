import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { createTestDatabase, eventually, standInTarget, testInfrastructure, uniqueTopicPrefix } from '@relais/testing';
import { startStandInPublisher, type StandInPublisher } from '../src/testing';
import { consentOf, ConsentProjector, consentRevoked, referralRequested, startConsentApp } from './support/consent-projection';
import { count, RecordingLogger } from './support/test-app';

/**
 * A consent grant whose handler fails once, then its revocation for the same referral: while the grant
 * waits in the retry topic, the revocation must wait behind it. Applied first, the revocation would
 * find nothing to revoke and the late grant would share the person's data against their will.
 */
describe('order per key under retries', () => {
  const prefix = uniqueTopicPrefix('order');
  let database: { url: string; drop(): Promise<void> };
  let target: Awaited<ReturnType<typeof standInTarget>>;
  let referral: StandInPublisher;
  let consumer: INestApplicationContext;

  beforeAll(async () => {
    const { kafkaBrokers, kafkaSasl } = testInfrastructure();
    [database, target] = await Promise.all([createTestDatabase('messaging_order'), standInTarget('order')]);
    // The retry waits long enough (3 s) that a revocation not held back would certainly pass it.
    consumer = await startConsentApp({ databaseUrl: database.url, brokers: kafkaBrokers, sasl: kafkaSasl, topicPrefix: prefix, retryDelaysMs: [3_000, 3_000] });
    referral = await startStandInPublisher({ service: 'referral', ...target, topicPrefix: prefix });
  });

  afterAll(async () => {
    await referral?.stop();
    await consumer?.close();
    await Promise.all([database?.drop(), target?.drop()]);
  });

  it('applies a revocation after the grant it revokes, even when the grant had to be retried', async () => {
    const projector = consumer.get(ConsentProjector);
    const grant = referralRequested(randomUUID());
    const other = referralRequested(randomUUID());
    projector.failOnce.add(grant.referralId);

    await referral.publish('fr.relais.referral.referral.requested.v1', grant);
    await referral.publish('fr.relais.referral.referral.consent-revoked.v1', consentRevoked(grant));
    await referral.publish('fr.relais.referral.referral.requested.v1', other);

    // Another referral is not held up by this one's retry.
    await eventually(async () => expect((await consentOf(consumer, other.referralId))?.state).toBe('granted'));
    // Meanwhile the revocation waits, parked behind the grant.
    expect(await consentOf(consumer, grant.referralId)).toBeNull();
    await eventually(async () => expect(await count(consumer, 'SELECT count(*) AS n FROM messaging_parked_record')).toBe(1));

    await eventually(async () => expect(await consentOf(consumer, grant.referralId)).toMatchObject({ state: 'revoked', history: ['granted', 'revoked'] }), {
      timeoutMs: 20_000,
    });
    expect(projector.attempts.filter((attempt) => attempt.referralId === grant.referralId)).toEqual([
      { referralId: grant.referralId, change: 'granted', attempt: 1 },
      { referralId: grant.referralId, change: 'granted', attempt: 2 },
      { referralId: grant.referralId, change: 'revoked', attempt: 1 },
    ]);
    // Nothing stays parked, and the key flows again.
    await eventually(async () => expect(await count(consumer, 'SELECT count(*) AS n FROM messaging_parked_key')).toBe(0));
    expect(await count(consumer, 'SELECT count(*) AS n FROM messaging_parked_record')).toBe(0);
    const again = referralRequested(grant.referralId);
    await referral.publish('fr.relais.referral.referral.requested.v1', again);
    await eventually(async () => expect((await consentOf(consumer, grant.referralId))?.history).toEqual(['granted', 'revoked', 'granted']));
  });

  it('releases a key whose blocker waits longer than a retry can (its record lost), naming it', async () => {
    const logger = new RecordingLogger();
    // Databases of its own: a second relay on the first publisher's outbox would only stand by.
    const [lostDatabase, lostTarget] = await Promise.all([createTestDatabase('messaging_order_lost'), standInTarget('order_lost')]);
    const lostPrefix = uniqueTopicPrefix('order-lost');
    const { kafkaBrokers, kafkaSasl } = testInfrastructure();
    // The retry is due in ten minutes: as good as lost for this test, whose keys may wait 1 s at most.
    const app = await startConsentApp({
      databaseUrl: lostDatabase.url,
      brokers: kafkaBrokers,
      sasl: kafkaSasl,
      topicPrefix: lostPrefix,
      retryDelaysMs: [600_000],
      consumer: { parkedSweepMs: 300, maxBlockedMs: 1_000 },
      logger,
    });
    const publisher = await startStandInPublisher({ service: 'referral', ...lostTarget, topicPrefix: lostPrefix });
    try {
      const grant = referralRequested(randomUUID());
      app.get(ConsentProjector).failOnce.add(grant.referralId);
      await publisher.publish('fr.relais.referral.referral.requested.v1', grant);
      await publisher.publish('fr.relais.referral.referral.consent-revoked.v1', consentRevoked(grant));
      await eventually(async () => expect(await count(app, 'SELECT count(*) AS n FROM messaging_parked_record')).toBe(1));
      await eventually(async () => expect(await consentOf(app, grant.referralId)).toMatchObject({ state: 'revoked', history: ['revoked'] }), { timeoutMs: 10_000 });
      expect(await count(app, 'SELECT count(*) AS n FROM messaging_parked_key')).toBe(0);
      expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
        expect.stringContaining(`key ${grant.referralId} of relais.referral.referral.v1 was blocked by`),
      ]);
    } finally {
      await publisher.stop();
      await app.close();
      await Promise.all([lostDatabase.drop(), lostTarget.drop()]);
    }
  });
});
