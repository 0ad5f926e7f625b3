import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { grantServiceAcls } from '@relais/infra';
import { createTestDatabase, eventually, standInTarget, testInfrastructure, uniqueTopicPrefix } from '@relais/testing';
import type { Admin } from 'kafkajs';
import type { KafkaCredentials } from '../src';
import { startStandInPublisher, type StandInPublisher } from '../src/testing';
import { consentOf, ConsentProjector, referralRequested, startConsentApp } from './support/consent-projection';
import { rawClient } from './support/raw-records';
import { kafkaAdmin } from './support/test-app';

/**
 * The broker started by the harness is the one `npm start` runs: SASL/SCRAM, one principal per service,
 * the StandardAuthorizer, and the ACLs of infra/src/kafka/kafka-acls.ts (granted here on a prefix of
 * this file's own). Services in the other tests sign in as the privileged test principal.
 */
describe('Kafka principals and ACLs', () => {
  const prefix = uniqueTopicPrefix('acl');
  const { kafkaBrokers: brokers, kafkaSasl, kafkaServices } = testInfrastructure();
  const principal = (service: 'diagnostic' | 'referral'): KafkaCredentials => {
    const credentials = kafkaServices[service];
    if (!credentials) throw new Error(`the harness broker has no principal for ${service}`);
    return credentials;
  };
  let admin: Admin;

  beforeAll(async () => {
    if (!kafkaSasl) throw new Error('this test needs the harness broker (SASL), not an external cluster without authentication');
    await grantServiceAcls(brokers, kafkaSasl, ['diagnostic', 'referral'], prefix);
    admin = await kafkaAdmin(brokers);
    await admin.createTopics({ topics: [{ topic: `${prefix}relais.referral.referral.v1` }, { topic: `${prefix}relais.diagnostic.assessment.v1` }], waitForLeaders: true });
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  const produceAs = async (credentials: KafkaCredentials, topic: string): Promise<void> => {
    const producer = rawClient(brokers, credentials).producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: randomUUID(), value: '{}' }] });
    } finally {
      await producer.disconnect();
    }
  };

  it('lets the diagnostic principal write its own topics and not the referral service’s', async () => {
    await expect(produceAs(principal('diagnostic'), `${prefix}relais.diagnostic.assessment.v1`)).resolves.toBeUndefined();
    await expect(produceAs(principal('diagnostic'), `${prefix}relais.referral.referral.v1`)).rejects.toThrow(/Not authorized to access topics: \[Topic authorization failed\]/);
    await expect(produceAs(principal('referral'), `${prefix}relais.referral.referral.v1`)).resolves.toBeUndefined();
  });

  it('refuses a client that does not sign in, or signs in with a wrong password', async () => {
    const anonymous = rawClient(brokers, null).admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    await anonymous.disconnect().catch(() => undefined);
    const impostor = rawClient(brokers, { username: principal('referral').username, password: 'not-the-password' }).admin();
    await expect(impostor.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
    await impostor.disconnect().catch(() => undefined);
  });

  describe('services signed in as themselves, with only their ACLs', () => {
    let database: { url: string; drop(): Promise<void> };
    let target: Awaited<ReturnType<typeof standInTarget>>;
    let referral: StandInPublisher | undefined;
    let diagnostic: INestApplicationContext | undefined;

    beforeAll(async () => {
      [database, target] = await Promise.all([createTestDatabase('messaging_acl'), standInTarget('acl')]);
    });

    afterAll(async () => {
      await referral?.stop();
      await diagnostic?.close();
      await Promise.all([database?.drop(), target?.drop()]);
    });

    it('provision their topics, publish, consume in their group, retry, as `npm start` runs them', async () => {
      // The diagnostic provisions its retry and dead-letter topics, joins its group, reads the referral topic.
      diagnostic = await startConsentApp({ databaseUrl: database.url, brokers, sasl: principal('diagnostic'), topicPrefix: prefix, retryDelaysMs: [200] });
      referral = await startStandInPublisher({ service: 'referral', ...target, sasl: principal('referral'), topicPrefix: prefix });
      const grant = referralRequested(randomUUID());
      // A transient failure: the diagnostic writes its retry topic and reads it back.
      diagnostic.get(ConsentProjector).failOnce.add(grant.referralId);
      await referral.publish('fr.relais.referral.referral.requested.v1', grant);
      const app = diagnostic;
      await eventually(async () => expect((await consentOf(app, grant.referralId))?.state).toBe('granted'), { timeoutMs: 20_000 });
      expect(app.get(ConsentProjector).attempts.map((attempt) => attempt.attempt)).toEqual([1, 2]);
      const topics = await admin.listTopics();
      expect(topics).toEqual(expect.arrayContaining([`${prefix}relais.referral.referral.v1.retry.diagnostic`, `${prefix}relais.referral.referral.v1.dlt`]));
    });
  });
});
