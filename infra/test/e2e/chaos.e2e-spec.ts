import { chaosParties } from '../../src/chaos/chaos-parties';
import { printChaosReport, runChaos, type ChaosReport } from '../../src/chaos/chaos-run';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';

// The fault suite's short form (`npm run chaos` at small numbers, infra/src/chaos): while referrals are created
// and moved through the gateway, kill -9 the referral service, the notification service, the identity provider
// and PostgreSQL, then freeze the broker for 10 s; `npm start`'s supervision brings each back. Against the API's
// own record of what it accepted: nothing lost, no transition applied twice, nothing stuck, every fault healed.
describe('faults under load (the short form of npm run chaos)', () => {
  let platform: LocalPlatform | undefined;
  let report: ChaosReport | undefined;
  /** The run's lines (faults, table, JSON), printed with the test's output so a failure shows its figures. */
  let output = '';
  /** A token issued before the identity provider was killed, and what the API answers it afterwards. */
  let earlyTokenStatus: number | undefined;

  beforeAll(async () => {
    platform = await startLocalPlatform('chaos');
    const parties = await chaosParties(platform.accounts, platform.adminDatabaseUrl('referral'));
    const earlyToken = parties[0]?.token ?? '';
    report = await runChaos({
      origin: platform.origin,
      stateDir: platform.stateDir,
      databaseUrl: (service) => platform?.adminDatabaseUrl(service) ?? '',
      parties,
      ratePerSecond: 5,
      steadySeconds: 5,
      only: ['referral', 'notification', 'identity', 'postgres', 'kafka-down'],
      brokerDownMs: 10_000,
      // Bounded: what is not consumed 90 s after the load stopped is reported, not waited for.
      settleTimeoutMs: 90_000,
      log: (line) => (output += line),
    });
    earlyTokenStatus = (await fetch(`${platform.origin}/api/referral/v1/me`, { headers: { authorization: `Bearer ${earlyToken}` } })).status;
    printChaosReport(report, (line) => (output += line));
    process.stdout.write(output);
  }, 900_000);

  afterAll(() => platform?.stop(), 60_000);

  it('heals every fault: the process is back (a new pid), ready, and a creation got its 201 again', () => {
    expect(report?.faults.map((fault) => fault.fault)).toEqual(['referral', 'notification', 'identity', 'postgres', 'kafka-down']);
    expect((report?.faults ?? []).filter((fault) => fault.healSeconds === null).map((fault) => fault.fault)).toEqual([]);
    // Supervision said what it did, in npm start's own words.
    expect(platform?.output()).toMatch(/le service referral s’est arrêté \(signal SIGKILL\)/);
    expect(platform?.output()).toMatch(/le fournisseur d’identité redémarré/);
    // The restarted identity provider signs with the keys it kept: a token issued before it died still verifies.
    expect(earlyTokenStatus).toBe(200);
  });

  it('loses nothing the API accepted, applies no transition twice and gives up no creation', () => {
    const verdict = report?.verdict;
    expect(verdict?.referralsAccepted).toBeGreaterThan(0);
    expect(verdict?.transitionsAccepted).toBeGreaterThan(0);
    expect({
      referralsLost: verdict?.referralsLost,
      transitionsLost: verdict?.transitionsLost,
      transitionsApplied2x: verdict?.transitionsApplied2x,
      abandoned: report?.abandoned,
    }).toEqual({ referralsLost: 0, transitionsLost: 0, transitionsApplied2x: 0, abandoned: 0 });
  });

  it('leaves nothing stuck: every outbox sent, every referral event read by notification and reporting', () => {
    expect(report?.verdict.outboxUnsent).toEqual({ directory: 0, diagnostic: 0, referral: 0, notification: 0, reporting: 0 });
    expect(report?.verdict.eventsNotConsumed).toEqual({ notification: 0, reporting: 0 });
  });

  it('sends no email twice, but for the one in flight when notification was killed (same Message-ID)', () => {
    expect(report?.verdict.emails).toBeGreaterThan(0);
    expect(report?.verdict.emailsResentBeyondAllowance).toBe(0);
    expect(report?.verdict.emailsDuplicated).toBeLessThanOrEqual(1);
  });
});
