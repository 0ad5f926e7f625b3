import { randomUUID } from 'node:crypto';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { DEMO_NETWORKS } from '@relais/demo';
import { clientToken, eventually, standInTarget, startTestService, type TestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

// HTTP → outbox → Kafka → consumer with inbox → projection → HTTP, on the real infrastructure.
describe('reporting: activity per day, type and network', () => {
  let reporting: TestService;
  let referral: StandInPublisher;
  let standIn: Awaited<ReturnType<typeof standInTarget>>;
  const { vannes, ploermel } = DEMO_NETWORKS;

  beforeAll(async () => {
    reporting = await startTestService(service, readConfig, (config) => AppModule.forRoot(config));
    standIn = await standInTarget('referral');
    referral = await startStandInPublisher({ service: 'referral', ...standIn, topicPrefix: reporting.env['KAFKA_TOPIC_PREFIX'] ?? '' });
  });

  afterAll(async () => {
    await referral?.stop();
    await standIn?.drop();
    await reporting?.stop();
  });

  function requested(networkId: string | null) {
    const at = new Date().toISOString();
    return {
      referralId: randomUUID(),
      personRef: `p-${randomUUID().slice(0, 12)}`,
      sendingStructureId: randomUUID(),
      receivingStructureId: randomUUID(),
      receivingServiceId: randomUUID(),
      networkId,
      previousReferralId: null,
      needs: ['numerique--prendre-en-main-un-ordinateur'],
      urgency: 'normal' as const,
      assessmentId: null,
      consent: { scope: ['contact' as const], method: 'oral' as const, expiresAt: null },
      acknowledgeDueAt: at,
      firstContactDueAt: at,
      by: { role: 'agent' as const, structureId: null, subject: 'agent-1' },
      at,
    };
  }

  it('counts the referrals each network sends, and shows a coordinator only its own networks', async () => {
    await referral.publish('fr.relais.referral.referral.requested.v1', requested(vannes.id));
    await referral.publish('fr.relais.referral.referral.requested.v1', requested(vannes.id));
    await referral.publish('fr.relais.referral.referral.requested.v1', requested(ploermel.id));
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });

    const { token: admin } = await clientToken((c) => c.roles.includes('admin'));
    const rows = await eventually(async () => {
      const response = await fetch(`${reporting.url}/v1/activity?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Array<{ eventType: string; networkId: string; count: number }>;
      const requestedRows = body.filter((r) => r.eventType === 'fr.relais.referral.referral.requested.v1');
      expect(requestedRows.reduce((sum, r) => sum + r.count, 0)).toBe(3);
      return requestedRows;
    });
    expect(rows.find((r) => r.networkId === vannes.id)?.count).toBe(2);

    const { token: coordinator } = await clientToken((c) => c.roles.includes('coordinator') && c.networkIds.includes(vannes.id));
    const own = (await (
      await fetch(`${reporting.url}/v1/activity?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${coordinator}` } })
    ).json()) as Array<{ networkId: string }>;
    expect(own.map((r) => r.networkId)).toEqual([vannes.id]);
    const other = await fetch(`${reporting.url}/v1/activity?from=${today}&to=${today}&network=${ploermel.id}`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(other.status).toBe(403);
  });

  it('refuses agents (403) and malformed periods (400 naming the field)', async () => {
    const { token: integration } = await clientToken((c) => c.roles.includes('integration'));
    expect((await fetch(`${reporting.url}/v1/activity?from=2026-01-01&to=2026-01-02`, { headers: { authorization: `Bearer ${integration}` } })).status).toBe(403);
    const { token: admin } = await clientToken((c) => c.roles.includes('admin'));
    const response = await fetch(`${reporting.url}/v1/activity?from=yesterday&to=2026-01-02&colour=red`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['colour', 'from']);
  });
});
