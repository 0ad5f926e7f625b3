import { generateActionLinkKeys, parseSigningKey, parseVerifyKeys, signActionLink, verifyActionLink } from './action-link-token';

describe('action link tokens', () => {
  const keys = generateActionLinkKeys('k1');
  const signing = parseSigningKey(keys.signingKey);
  const verifying = parseVerifyKeys(keys.verifyKeys);
  const claims = { rid: '7d1c9a52-5d0b-4f4a-9a55-3f4b1c2d3e4f', sid: '0b9a8c7d-6e5f-4a3b-8c1d-2e3f4a5b6c7d', iat: 1000, exp: 2000 };

  it('round-trips the claims of a link signed with the current key', () => {
    const token = signActionLink(signing, { ...claims, jti: 'abcdefghijkl' });
    expect(verifyActionLink(verifying, token, 1500)).toEqual({ ok: true, claims: { v: 1, ...claims, jti: 'abcdefghijkl' } });
  });

  it('refuses an expired link, a changed claim, another key and garbage', () => {
    const token = signActionLink(signing, claims);
    expect(verifyActionLink(verifying, token, 2000)).toEqual({ ok: false, reason: 'expired' });
    const [kid, body, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), sid: claims.rid })).toString('base64url');
    expect(verifyActionLink(verifying, `${kid}.${forged}.${signature}`, 1500)).toEqual({ ok: false, reason: 'bad-signature' });
    const other = parseSigningKey(generateActionLinkKeys('k1').signingKey);
    expect(verifyActionLink(verifying, signActionLink(other, claims), 1500)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyActionLink(verifying, signActionLink(parseSigningKey(generateActionLinkKeys('k2').signingKey), claims), 1500)).toEqual({ ok: false, reason: 'unknown-key' });
    expect(verifyActionLink(verifying, 'not-a-token', 1500)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses keys that are not Ed25519 or not in the configured form', () => {
    expect(() => parseVerifyKeys('')).toThrow();
    expect(() => parseSigningKey('k1:AAAA')).toThrow();
  });
});
