import { redoclyLint, type TestService, startTestService } from '@relais/testing';
import { randomBytes } from 'node:crypto';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

/** The referral service's OpenAPI document as it serves it, under `redocly lint` (recommended ruleset, redocly.yaml). */
describe('the referral OpenAPI document under redocly lint', () => {
  let instance: TestService;

  beforeAll(async () => {
    instance = await startTestService(service, readConfig, (config) => AppModule.forRoot(config), { REFERRAL_MASTER_KEY: randomBytes(32).toString('base64'), REFERRAL_SLA_SWEEP_INTERVAL_MS: '0' });
  });
  afterAll(() => instance?.stop());

  it('has no error', async () => {
    const response = await fetch(`${instance.url}/openapi.json`);
    expect(response.status).toBe(200);
    const report = redoclyLint(await response.json(), 'referral');
    expect(report.errors).toEqual([]);
  });
});
