import { createServer, type Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ConfigError, DomainError } from '@relais/platform';
import { TokenVerifier, type TokenVerifierOptions } from './token-verifier';

// Unit test: a stand-in issuer (discovery + JWKS) with a local key. libs/auth/test/ runs the same checks
// with tokens of the real identity provider.
describe('TokenVerifier', () => {
  let server: Server;
  let issuer: string;
  let privateKey: CryptoKey;
  let verifier: TokenVerifier;
  /** What the stand-in's discovery document announces as its issuer (the real one unless a test changes it). */
  let announcedIssuer: (() => string) | undefined;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/auth/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer: announcedIssuer?.() ?? issuer, jwks_uri: `${issuer}/jwks` }));
      } else if (req.url === '/auth/jwks') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}/auth`;
    verifier = new TokenVerifier(options());
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    announcedIssuer = undefined;
    jest.restoreAllMocks();
  });

  const options = (overrides: Partial<TokenVerifierOptions> = {}): TokenVerifierOptions => ({
    issuer,
    audience: 'relais-api',
    department: '56',
    environment: 'development',
    ...overrides,
  });

  const sign = (
    claims: Record<string, unknown>,
    options: { audience?: string; issuer?: string; expiresIn?: string; typ?: string | null } = {},
  ) =>
    new SignJWT({ department: '56', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', ...(options.typ === null ? {} : { typ: options.typ ?? 'at+jwt' }) })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? 'relais-api')
      .setSubject('agent-1')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(privateKey);

  const refusal = async (token: string, against = verifier): Promise<DomainError> => {
    const error = await against.verify(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  };

  it('turns the Relais claims into a principal, keeping only known roles', async () => {
    const token = await sign({ structure_id: 's1', network_ids: ['n1', 'n2', 3], roles: ['agent', 'superuser'] });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'agent-1',
      clientId: null,
      structureId: 's1',
      networkIds: ['n1', 'n2'],
      department: '56',
      roles: ['agent'],
    });
  });

  it.each([
    ['another audience', { audience: 'other-api' }, /pas destiné/],
    ['another issuer', { issuer: 'http://127.0.0.1:1/auth' }, /pas destiné/],
    ['an expired token', { expiresIn: '-1m' }, /expiré/],
  ])('refuses %s with 401', async (_label, options, message) => {
    const error = await refusal(await sign({ roles: ['agent'] }, options));
    expect(error.code).toBe('unauthenticated');
    expect(error.detail).toMatch(message);
  });

  it('refuses garbage', async () => {
    await expect(verifier.verify('not.a.jwt')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  describe('access token type (RFC 9068)', () => {
    it.each([
      ['no typ, as an ID token has', null],
      ['typ JWT', 'JWT'],
      ['a logout token', 'logout+jwt'],
    ])('refuses a token of the right issuer and audience with %s', async (_label, typ) => {
      const error = await refusal(await sign({ roles: ['agent'] }, { typ }));
      expect(error.code).toBe('unauthenticated');
      expect(error.detail).toMatch(/n'est pas un jeton d'accès/);
    });

    it('accepts the long form application/at+jwt that the RFC also allows', async () => {
      await expect(verifier.verify(await sign({ roles: ['agent'] }, { typ: 'application/at+jwt' }))).resolves.toMatchObject({ subject: 'agent-1' });
    });
  });

  describe('département of the instance', () => {
    it('refuses a token issued for another département, saying so', async () => {
      const error = await refusal(await sign({ department: '29', roles: ['agent'] }));
      expect(error.code).toBe('unauthenticated');
      expect(error.detail).toBe('Le jeton a été délivré pour un autre département (29) : cette instance ne sert que le département 56.');
    });

    it('refuses a token without a département', async () => {
      const error = await refusal(await sign({ department: undefined, roles: ['agent'] }));
      expect(error.code).toBe('unauthenticated');
      expect(error.detail).toMatch(/ne précise pas de département/);
    });

    it('compares codes exactly (2A is not 2a)', async () => {
      const corsica = new TokenVerifier(options({ department: '2A' }));
      await expect(corsica.verify(await sign({ department: '2A' }))).resolves.toMatchObject({ department: '2A' });
      expect((await refusal(await sign({ department: '2a' }), corsica)).code).toBe('unauthenticated');
    });
  });

  describe('issuer of the discovery document', () => {
    it('refuses to verify (503) and logs both values when discovery announces another issuer', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      for (const announced of [`${issuer}/`, issuer.replace('127.0.0.1', 'localhost'), 'https://sso.example.fr/auth']) {
        announcedIssuer = () => announced;
        const fresh = new TokenVerifier(options());
        const error = await refusal(await sign({ roles: ['agent'] }), fresh);
        expect(error.code).toBe('dependency-unavailable');
        expect(error.detail).toMatch(/ne correspond pas à la configuration/);
        expect(errors).toHaveBeenLastCalledWith(expect.stringContaining(`announces issuer "${announced}" but OIDC_ISSUER is "${issuer}"`));
      }
    });

    it('asks again once the provider is fixed, without a restart', async () => {
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      let now = Date.now();
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      announcedIssuer = () => 'https://elsewhere.example.fr/auth';
      const fresh = new TokenVerifier(options());
      const token = await sign({ roles: ['agent'] });
      expect((await refusal(token, fresh)).code).toBe('dependency-unavailable');
      announcedIssuer = undefined;
      expect((await refusal(token, fresh)).code).toBe('dependency-unavailable'); // remembered for a few seconds
      now += 6_000;
      await expect(fresh.verify(token)).resolves.toMatchObject({ subject: 'agent-1' });
    });
  });

  describe('tokens already verified', () => {
    type SignatureCheck = { verifySignature(token: string, now: number): Promise<unknown> };
    const signatureChecks = () => jest.spyOn(TokenVerifier.prototype as unknown as SignatureCheck, 'verifySignature');

    it('checks a token’s signature once, then serves the same principal (each caller its own copy)', async () => {
      const fresh = new TokenVerifier(options());
      const checks = signatureChecks();
      const token = await sign({ structure_id: 's1', network_ids: ['n1'], roles: ['agent'] });
      const first = await fresh.verify(token);
      first.networkIds.push('n-added-by-a-handler');
      const second = await fresh.verify(token);
      expect(second).toEqual({ subject: 'agent-1', clientId: null, structureId: 's1', networkIds: ['n1'], department: '56', roles: ['agent'] });
      expect(checks).toHaveBeenCalledTimes(1);
    });

    it('checks it again after a minute, and never takes it past its expiry', async () => {
      const fresh = new TokenVerifier(options());
      const checks = signatureChecks();
      const token = await sign({ roles: ['agent'] }, { expiresIn: '90s' });
      const start = Date.now();
      await fresh.verify(token);
      jest.spyOn(Date, 'now').mockReturnValue(start + 61_000);
      await fresh.verify(token);
      expect(checks).toHaveBeenCalledTimes(2);
      // Remembered at +61 s for another minute, but the token ends at +90 s: refused from then on.
      jest.spyOn(Date, 'now').mockReturnValue(start + 91_000);
      const error = await refusal(token, fresh);
      expect(error.detail).toMatch(/expiré/);
      expect(checks).toHaveBeenCalledTimes(3);
    });

    it('never remembers a refused token', async () => {
      const fresh = new TokenVerifier(options());
      const checks = signatureChecks();
      const other = await sign({ department: '29', roles: ['agent'] });
      await refusal(other, fresh);
      await refusal(other, fresh);
      expect(checks).toHaveBeenCalledTimes(2);
    });
  });

  it('refuses to be built with an http issuer outside development, naming OIDC_ISSUER', () => {
    expect(() => new TokenVerifier(options({ environment: 'production' }))).toThrow(ConfigError);
    expect(() => new TokenVerifier(options({ environment: 'production' }))).toThrow(/OIDC_ISSUER doit utiliser https/);
    expect(() => new TokenVerifier(options({ environment: 'production', issuer: 'https://sso.example.fr/auth' }))).not.toThrow();
  });

  it('says the identity provider is unavailable when discovery fails', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const lost = new TokenVerifier(options({ issuer: 'http://127.0.0.1:1/auth' }));
    await expect(lost.verify(await sign({}))).rejects.toMatchObject({ code: 'dependency-unavailable' });
  });
});
