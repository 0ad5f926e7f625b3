import { Writable } from 'node:stream';
import { Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { createServiceApp, PlatformModule } from '@relais/platform';
import { clientToken, passwordLogin, testInfrastructure, userToken } from '@relais/testing';
import { AuthModule, CurrentPrincipal, type AuthOptions, type Principal } from '../src';

/*
 * The checks of TokenVerifier and the write limit, with tokens of the real identity provider (client
 * credentials and authorization code), through the service chassis as a service runs it.
 */

@Controller('v1/probe')
class ProbeController {
  @Get()
  read(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Post()
  write(): { written: true } {
    return { written: true };
  }
}

interface Probe {
  base: string;
  log: () => string;
  close: () => Promise<void>;
}

const probes: Probe[] = [];

async function startProbe(overrides: Partial<AuthOptions> = {}): Promise<Probe> {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  @Module({
    imports: [
      PlatformModule.forRoot({ service: 'probe', logLevel: 'info', readiness: [], logDestination: capture }),
      AuthModule.forRoot({
        issuer: testInfrastructure().oidcIssuer,
        audience: 'relais-api',
        department: '56',
        environment: 'development',
        ...overrides,
      }),
    ],
    controllers: [ProbeController],
  })
  class ProbeModule {}
  const app: INestApplication = await createServiceApp(ProbeModule, { name: 'probe', title: 'probe', description: 'test' });
  await app.listen(0, '127.0.0.1');
  const probe = { base: `${await app.getUrl()}/api/probe/v1/probe`, log: () => lines.join(''), close: () => app.close() };
  probes.push(probe);
  return probe;
}

const call = (probe: Probe, token: string, method = 'GET') => fetch(probe.base, { method, headers: { authorization: `Bearer ${token}` } });

async function problem(response: Response): Promise<{ type: string; detail: string }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as { type: string; detail: string };
}

describe('access tokens of the real identity provider', () => {
  let service: Probe;

  beforeAll(async () => {
    service = await startProbe();
  });

  afterAll(async () => {
    for (const probe of probes) await probe.close();
  });

  it('accepts client-credentials and authorization-code access tokens of the instance département', async () => {
    const { token: software, client } = await clientToken((c) => c.clientId === 'ccas-lorient-integration');
    expect(await (await call(service, software)).json()).toMatchObject({ subject: client.clientId, clientId: client.clientId, department: '56', roles: ['integration'] });
    const { token: person, user } = await userToken((u) => u.username === 'agent.caf-vannes');
    expect(await (await call(service, person)).json()).toMatchObject({ subject: user.username, structureId: user.structureId, department: '56' });
  });

  it('refuses the ID token of a sign-in as a bearer token, even for a service whose audience it matches', async () => {
    const { idToken, accessToken } = await passwordLogin(testInfrastructure().oidcIssuer, 'agent.ccas-vannes', 'relais-demo');
    // aud of the ID token is the web client: only its type tells it from an access token.
    const misled = await startProbe({ audience: 'relais-web' });
    for (const probe of [service, misled]) {
      const response = await call(probe, idToken);
      expect(response.status).toBe(401);
      expect(await problem(response)).toMatchObject({ type: 'urn:relais:problem:unauthenticated', detail: expect.stringMatching(/n'est pas un jeton d'accès/) });
    }
    expect((await call(service, accessToken)).status).toBe(200);
  });

  it('refuses tokens of another département with 401, saying so in French', async () => {
    const finistere = await startProbe({ department: '29' });
    const { token } = await clientToken((c) => c.clientId === 'caf-vannes-integration');
    const response = await call(finistere, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await problem(response)).toMatchObject({
      type: 'urn:relais:problem:unauthenticated',
      detail: 'Le jeton a été délivré pour un autre département (56) : cette instance ne sert que le département 29.',
    });
  });

  it('verifies nothing when discovery announces another issuer than OIDC_ISSUER, and says why in the log', async () => {
    // One trailing slash: discovery is still found, but it names the issuer without it.
    const configured = `${testInfrastructure().oidcIssuer}/`;
    const misconfigured = await startProbe({ issuer: configured });
    const { token } = await clientToken((c) => c.clientId === 'caf-vannes-integration');
    const response = await call(misconfigured, token);
    expect(response.status).toBe(503);
    expect(await problem(response)).toMatchObject({ type: 'urn:relais:problem:dependency-unavailable' });
    const messages = misconfigured
      .log()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: string; message: string });
    expect(messages).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringContaining(`announces issuer "${testInfrastructure().oidcIssuer}" but OIDC_ISSUER is "${configured}"`) }),
    );
  });

  it('limits writes per caller with 429 and Retry-After, and leaves reads and other callers alone', async () => {
    const limited = await startProbe({ rateLimits: { user: { perSecond: 1, burst: 2 }, client: { perSecond: 1, burst: 3 } } });
    const { token: software } = await clientToken((c) => c.clientId === 'association-lorient-integration');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(limited, software, 'POST')).status);
    expect(statuses).toEqual([201, 201, 201, 429]);

    const refused = await call(limited, software, 'POST');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await problem(refused)).toMatchObject({ type: 'urn:relais:problem:rate-limited', detail: expect.stringMatching(/^Trop de requêtes d'écriture/) });

    expect((await call(limited, software)).status).toBe(200);
    const { token: person } = await userToken((u) => u.username === 'agent.association-lorient');
    expect((await call(limited, person, 'POST')).status).toBe(201);
  });
});
