import { redoclyLint, type TestService } from '@relais/testing';
import { startDiagnostic } from './support/diagnostic-kit';

/** The diagnostic service's OpenAPI document as it serves it, under `redocly lint` (recommended ruleset, redocly.yaml). */
describe('the diagnostic OpenAPI document under redocly lint', () => {
  let instance: TestService;

  beforeAll(async () => {
    instance = await startDiagnostic();
  });
  afterAll(() => instance?.stop());

  it('has no error', async () => {
    const response = await fetch(`${instance.url}/openapi.json`);
    expect(response.status).toBe(200);
    const report = redoclyLint(await response.json(), 'diagnostic');
    expect(report.errors).toEqual([]);
  });
});
