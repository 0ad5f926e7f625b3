import { spawnSync } from 'node:child_process';
import { builtFile, serviceNames } from '../../src';

// Runs the compiled services (npm test builds them first) as an operator would start them.
describe('a service started with a bad configuration', () => {
  it.each(serviceNames)('%s exits non-zero, naming every missing or malformed variable', (name) => {
    const result = spawnSync(process.execPath, [builtFile(`services/${name}/src/main.js`)], {
      env: { PATH: process.env['PATH'] ?? '', PORT: 'http', KAFKA_BROKERS: '127.0.0.1:1', OIDC_ISSUER: 'not a url' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/DATABASE_URL est obligatoire/);
    expect(result.stderr).toMatch(/PORT="http" n'est pas un port/);
    expect(result.stderr).toMatch(/OIDC_ISSUER="not a url" n'est pas une URL valide/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
