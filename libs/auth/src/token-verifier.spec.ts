import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { DomainError } from '@relais/platform';
import { TokenVerifier } from './token-verifier';

// Unit test: a stand-in issuer (discovery + JWKS) with a local key. Integration and end-to-end
// tests use tokens of the real identity provider instead.
describe('TokenVerifier', () => {
  let server: Server;
  let issuer: string;
  let privateKey: CryptoKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/auth/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      else if (req.url === '/auth/jwks') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}/auth`;
    verifier = new TokenVerifier({ issuer, audience: 'relais-api' });
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (claims: Record<string, unknown>, options: { audience?: string; issuer?: string; expiresIn?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? 'relais-api')
      .setSubject('agent-1')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(privateKey);

  it('turns the Relais claims into a principal, keeping only known roles', async () => {
    const token = await sign({ structure_id: 's1', network_ids: ['n1', 'n2', 3], department: '56', roles: ['agent', 'superuser'] });
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
    const token = await sign({ roles: ['agent'] }, options);
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('unauthenticated');
    expect((error as DomainError).detail).toMatch(message);
  });

  it('refuses garbage', async () => {
    await expect(verifier.verify('not.a.jwt')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('says the identity provider is unavailable when discovery fails', async () => {
    const lost = new TokenVerifier({ issuer: 'http://127.0.0.1:1/auth', audience: 'relais-api' });
    await expect(lost.verify(await sign({}))).rejects.toMatchObject({ code: 'dependency-unavailable' });
  });
});
