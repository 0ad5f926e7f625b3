import { clientCredentialsToken } from '@relais/testing';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';

// `RELAIS_SPLIT_ROLES=referral npm start`: the referral service as an api process behind the gateway and a
// consumers process on RELAIS_PORT + 23 (probes only); the others as one process each.
describe('npm start with the referral service split by role', () => {
  let platform: LocalPlatform;
  let consumers: string;

  beforeAll(async () => {
    platform = await startLocalPlatform('split', { RELAIS_SPLIT_ROLES: 'referral' });
    consumers = `http://127.0.0.1:${platform.port + 23}/api/referral`;
  }, 240_000);

  afterAll(() => platform?.stop());

  it('says so when ready, and both processes are healthy and ready', async () => {
    expect(platform.output()).toContain('referral      en deux processus');
    expect((await fetch(`${platform.origin}/api/referral/health/ready`)).status).toBe(200);
    expect((await fetch(`${consumers}/health/ready`)).status).toBe(200);
  });

  it('serves the API through the gateway (the api process) and none on the consumers process', async () => {
    const client = platform.accounts.clients.find((c) => c.roles.includes('integration'));
    if (!client) throw new Error('no integration client');
    const token = await clientCredentialsToken(platform.accounts.tokenEndpoint, client.clientId, client.clientSecret);
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${platform.origin}/api/referral/v1/me`, { headers })).status).toBe(200);
    expect((await fetch(`${platform.origin}/api/referral/openapi.json`)).status).toBe(200);
    expect((await fetch(`${consumers}/v1/me`, { headers })).status).toBe(404);
    expect((await fetch(`${consumers}/openapi.json`)).status).toBe(404);
  });

  it('gives each process its metrics port, printed at start, with its role in every series', async () => {
    expect(platform.output()).toContain(`referral http://127.0.0.1:${platform.port + 33}/metrics`);
    const api = await (await fetch(`http://127.0.0.1:${platform.port + 33}/metrics`)).text();
    const workers = await (await fetch(`http://127.0.0.1:${platform.port + 43}/metrics`)).text();
    expect(api).toContain('role="api"');
    // Lag, outbox and overdue referrals are measured where the workers run, not by every api replica.
    expect(api).not.toContain('# TYPE relais_consumer_lag');
    expect(workers).toMatch(/relais_consumer_lag\{[^}]*role="consumers"/);
    expect(workers).toContain('# TYPE relais_referrals_overdue gauge');
  });
});
