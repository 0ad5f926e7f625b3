import { redoclyLint, type TestService, startTestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

/** The notification service's OpenAPI document as it serves it, under `redocly lint` (recommended ruleset, redocly.yaml). */
describe('the notification OpenAPI document under redocly lint', () => {
  let instance: TestService;

  beforeAll(async () => {
    instance = await startTestService(service, readConfig, (config) => AppModule.forRoot(config));
  });
  afterAll(() => instance?.stop());

  it('has no error', async () => {
    const response = await fetch(`${instance.url}/openapi.json`);
    expect(response.status).toBe(200);
    const report = redoclyLint(await response.json(), 'notification');
    expect(report.errors).toEqual([]);
  });
});
