import { redoclyLint, type TestService } from '@relais/testing';
import { startDirectory } from './support';

/** The directory service's OpenAPI document as it serves it, under `redocly lint` (recommended ruleset, redocly.yaml). */
describe('the directory OpenAPI document under redocly lint', () => {
  let instance: TestService;

  beforeAll(async () => {
    instance = await startDirectory();
  });
  afterAll(() => instance?.stop());

  it('has no error', async () => {
    const response = await fetch(`${instance.url}/openapi.json`);
    expect(response.status).toBe(200);
    const report = redoclyLint(await response.json(), 'directory');
    expect(report.errors).toEqual([]);
  });
});
