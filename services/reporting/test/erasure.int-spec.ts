import { randomUUID } from 'node:crypto';
import { issuePersonRef } from '@relais/contracts';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/demo';
import { clientToken, eventually, standInTarget, startTestService, type TestService } from '@relais/testing';
import { Client } from 'pg';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';
import { tablesContaining } from './support/scan-database';

/**
 * Reporting keeps counts, never events: after a person's whole story went through it (linked,
 * referred, accepted, erased), no table holds their reference nor their referrals' ids, and the
 * counts stay. A projection that one day keeps something per person must handle
 * fr.relais.referral.person.erased.v1, or this test fails.
 */
describe('reporting: erasure of a person leaves the counts and nothing linkable', () => {
  let reporting: TestService;
  let referral: StandInPublisher;
  let standIn: Awaited<ReturnType<typeof standInTarget>>;
  let db: Client;

  beforeAll(async () => {
    reporting = await startTestService(service, readConfig, (config) => AppModule.forRoot(config));
    standIn = await standInTarget('referral_erasure');
    referral = await startStandInPublisher({ service: 'referral', ...standIn, topicPrefix: reporting.env['KAFKA_TOPIC_PREFIX'] ?? '' });
    db = new Client({ connectionString: reporting.env['DATABASE_URL'] });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await referral?.stop();
    await standIn?.drop();
    await reporting?.stop();
  });

  it('counts every step of the person’s story, then keeps only the counts', async () => {
    const personRef = issuePersonRef();
    const referralId = randomUUID();
    const at = new Date().toISOString();
    const by = { role: 'agent' as const, structureId: DEMO_STRUCTURES.cafVannes.id, subject: 'agent.caf-vannes' };
    const parties = {
      referralId,
      personRef,
      sendingStructureId: DEMO_STRUCTURES.cafVannes.id,
      receivingStructureId: DEMO_STRUCTURES.ccasVannes.id,
      receivingServiceId: randomUUID(),
      networkId: DEMO_NETWORKS.vannes.id,
    };
    await referral.publish('fr.relais.referral.person.linked.v1', { personRef, structureId: DEMO_STRUCTURES.cafVannes.id, via: 'registered', at });
    await referral.publish('fr.relais.referral.referral.requested.v1', {
      ...parties,
      previousReferralId: null,
      needs: ['numerique--demarches-administratives'],
      urgency: 'normal',
      assessmentId: null,
      consent: { scope: ['contact'], method: 'oral', expiresAt: null },
      acknowledgeDueAt: at,
      firstContactDueAt: at,
      by,
      at,
    });
    await referral.publish('fr.relais.referral.referral.accepted.v1', { ...parties, from: 'requested', to: 'accepted', reasonCode: null, outcome: null, redirectedToReferralId: null, by, at });
    await referral.publish('fr.relais.referral.referral.person-erased.v1', { ...parties, at });
    await referral.publish('fr.relais.referral.person.erased.v1', { personRef, by, at });

    const day = new Date(at).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    const { token: admin } = await clientToken((c) => c.roles.includes('admin'));
    const counted = [
      'fr.relais.referral.person.linked.v1',
      'fr.relais.referral.referral.requested.v1',
      'fr.relais.referral.referral.accepted.v1',
      'fr.relais.referral.referral.person-erased.v1',
      'fr.relais.referral.person.erased.v1',
    ];
    await eventually(async () => {
      const response = await fetch(`${reporting.url}/v1/activity?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${admin}` } });
      const rows = (await response.json()) as Array<{ eventType: string; count: number }>;
      expect(Object.fromEntries(rows.map((row) => [row.eventType, row.count]))).toEqual(Object.fromEntries(counted.map((type) => [type, 1])));
    });

    expect(await tablesContaining(db, personRef)).toEqual([]);
    expect(await tablesContaining(db, referralId)).toEqual([]);
  });
});
