import { Controller, Get, Module } from '@nestjs/common';
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
}

@Module({ imports: [AuthModule.forRoot({ issuer: 'http://127.0.0.1:1/auth', audience: 'relais-api' })], controllers: [ProbeController] })
class ProbeModule {}

// A fake verifier stands in for the identity provider: the guard's decisions are what is tested here.
const principals: Record<string, Principal> = {
  agent: { subject: 'u1', clientId: null, structureId: 's1', networkIds: ['n1'], department: '56', roles: ['agent'] },
  coordinator: { subject: 'u2', clientId: null, structureId: null, networkIds: ['n1'], department: '56', roles: ['coordinator'] },
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

  it('serves GET v1/me with the caller as this service sees it', async () => {
    expect(await (await get('/v1/me', 'coordinator')).json()).toEqual(principals['coordinator']);
  });
});
