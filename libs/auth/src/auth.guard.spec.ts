import { Controller, Delete, Get, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { configureHttp, DomainError } from '@relais/platform';
import { AuthModule } from './auth.module';
import { CurrentPrincipal, Public, Roles } from './decorators';
import type { Principal } from './principal';
import { TokenVerifier } from './token-verifier';

@Controller('v1/probe')
class ProbeController {
  @Public()
  @Get('open')
  open(): string {
    return 'open';
  }

  @Get('any')
  any(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Roles('coordinator', 'admin')
  @Get('coordination')
  coordination(): string {
    return 'ok';
  }

  @Post('writes')
  write(): string {
    return 'written';
  }

  @Delete('writes')
  erase(): string {
    return 'erased';
  }

  @Roles('admin')
  @Post('admin-writes')
  adminWrite(): string {
    return 'written';
  }

  @Public()
  @Post('open-writes')
  openWrite(): string {
    return 'written';
  }
}

@Module({
  imports: [
    AuthModule.forRoot({
      issuer: 'http://127.0.0.1:1/auth',
      audience: 'relais-api',
      department: '56',
      environment: 'development',
      // Small buckets, so that a few requests show the limit; refilled slowly enough not to race the test.
      rateLimits: { user: { perSecond: 1, burst: 3 }, client: { perSecond: 1, burst: 5 } },
    }),
  ],
  controllers: [ProbeController],
})
class ProbeModule {}

// A fake verifier stands in for the identity provider: the guard's decisions are what is tested here.
const principals: Record<string, Principal> = {
  agent: { subject: 'u1', clientId: null, structureId: 's1', networkIds: ['n1'], department: '56', roles: ['agent'] },
  coordinator: { subject: 'u2', clientId: null, structureId: null, networkIds: ['n1'], department: '56', roles: ['coordinator'] },
  // Rate-limit callers, one per test so buckets never carry over: users of the web app, and a client.
  writer: { subject: 'u3', clientId: 'relais-web', structureId: 's1', networkIds: ['n1'], department: '56', roles: ['agent'] },
  writerElsewhere: { subject: 'u3', clientId: 'relais-web', structureId: 's2', networkIds: ['n1'], department: '56', roles: ['agent'] },
  colleague: { subject: 'u4', clientId: 'relais-web', structureId: 's1', networkIds: ['n1'], department: '56', roles: ['agent'] },
  reader: { subject: 'u5', clientId: 'relais-web', structureId: 's1', networkIds: ['n1'], department: '56', roles: ['agent'] },
  forbiddenWriter: { subject: 'u6', clientId: 'relais-web', structureId: 's1', networkIds: ['n1'], department: '56', roles: ['agent'] },
  software: { subject: 'caf-integration', clientId: 'caf-integration', structureId: 's1', networkIds: ['n1'], department: '56', roles: ['integration'] },
};

describe('AuthGuard', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] })
      .overrideProvider(TokenVerifier)
      .useValue({
        verify: (token: string) => {
          const principal = principals[token];
          return principal ? Promise.resolve(principal) : Promise.reject(new DomainError('unauthenticated', 'Le jeton est invalide.'));
        },
      })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureHttp(app, { name: 'probe', title: 'probe', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api/probe`;
  });

  afterAll(() => app.close());

  const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('documents the 403 of @Roles with the problem schema, on those routes only', async () => {
    type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };
    const document = (await (await get('/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> };
    const responses = (path: string, method: string) => document.paths[`/api/probe/v1/probe/${path}`]?.[method]?.responses ?? {};
    expect(responses('coordination', 'get')['403']?.content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemView' } } });
    expect(responses('admin-writes', 'post')).toHaveProperty('403');
    expect(responses('any', 'get')).not.toHaveProperty('403');
    expect(responses('writes', 'post')).not.toHaveProperty('403');
  });

  it('lets public routes through without a token', async () => {
    expect((await get('/v1/probe/open')).status).toBe(200);
  });

  it('answers 401 problem+json with WWW-Authenticate when the token is missing or invalid', async () => {
    for (const response of [await get('/v1/probe/any'), await get('/v1/probe/any', 'forged')]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.headers.get('content-type')).toMatch(/problem\+json/);
      expect(((await response.json()) as { type: string }).type).toBe('urn:relais:problem:unauthenticated');
    }
  });

  it('hands the principal to the handler', async () => {
    const response = await get('/v1/probe/any', 'agent');
    expect(await response.json()).toEqual(principals['agent']);
  });

  it('answers 403 naming the required roles when the role is missing', async () => {
    const response = await get('/v1/probe/coordination', 'agent');
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ type: 'urn:relais:problem:forbidden', requiredRoles: ['coordinator', 'admin'] });
    expect((await get('/v1/probe/coordination', 'coordinator')).status).toBe(200);
  });

  describe('rate limit on writes', () => {
    const send = (method: string, path: string, token: string) =>
      fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

    it('answers 429 problem+json with Retry-After once a user has spent the burst, POST and DELETE alike', async () => {
      const statuses = [];
      for (const method of ['POST', 'DELETE', 'POST']) statuses.push((await send(method, '/v1/probe/writes', 'writer')).status);
      expect(statuses).toEqual([201, 200, 201]);

      const refused = await send('DELETE', '/v1/probe/writes', 'writer');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({
        type: 'urn:relais:problem:rate-limited',
        status: 429,
        detail: "Trop de requêtes d'écriture pour ce compte : réessayez dans 1 s.",
        retryAfter: 1,
      });
    });

    it('keeps one bucket per user and structure: the same person elsewhere, or a colleague, is not held back', async () => {
      for (let i = 0; i < 3; i++) await send('POST', '/v1/probe/writes', 'writerElsewhere');
      expect((await send('POST', '/v1/probe/writes', 'writerElsewhere')).status).toBe(429);
      expect((await send('POST', '/v1/probe/writes', 'colleague')).status).toBe(201);
    });

    it('gives a client-credentials caller the client budget', async () => {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await send('POST', '/v1/probe/writes', 'software')).status);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    });

    it('never limits reads, nor public routes', async () => {
      for (let i = 0; i < 10; i++) expect((await send('GET', '/v1/probe/any', 'reader')).status).toBe(200);
      expect((await send('POST', '/v1/probe/writes', 'reader')).status).toBe(201);
      for (let i = 0; i < 10; i++) expect((await fetch(`${base}/v1/probe/open-writes`, { method: 'POST' })).status).toBe(201);
    });

    it('counts refused writes too, so hammering a forbidden route is limited as well', async () => {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await send('POST', '/v1/probe/admin-writes', 'forbiddenWriter')).status);
      expect(statuses).toEqual([403, 403, 403, 429]);
    });
  });

  it('serves GET v1/me with the caller as this service sees it', async () => {
    expect(await (await get('/v1/me', 'coordinator')).json()).toEqual(principals['coordinator']);
  });
});
