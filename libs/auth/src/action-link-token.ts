import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Action links (docs/notification.md, docs/security.md): a receiving structure acts on one referral from
 * an email, without an account. The notification service signs them (Ed25519, a private key only it
 * holds); the referral service checks them with the public key(s) and keeps what a signature cannot:
 * revocation, the end of the referral, the audit. So neither a leak of the referral service's
 * configuration nor anything read on Kafka lets anyone mint a link.
 *
 * Token: `<kid>.<base64url(claims JSON)>.<base64url(signature)>`, kept short enough for a URL path.
 */
export interface ActionLinkClaims {
  /** Format version of the claims. */
  v: 1;
  /** The one referral the link acts on. */
  rid: string;
  /** The receiving structure the link stands for (its agents' view and moves, nothing more). */
  sid: string;
  /** Unique id of this link: what the audit names and a revocation targets. */
  jti: string;
  /** Issued at and expires at, seconds since the epoch. */
  iat: number;
  exp: number;
}

export type ActionLinkCheck = { ok: true; claims: ActionLinkClaims } | { ok: false; reason: 'malformed' | 'unknown-key' | 'bad-signature' | 'expired' };

const encode = (buffer: Buffer): string => buffer.toString('base64url');

/** `<kid>:<base64 PKCS#8 DER>`, the form of ACTION_LINK_SIGNING_KEY. */
export function parseSigningKey(value: string): { kid: string; key: KeyObject } {
  const [kid, material] = splitKeyId(value);
  const key = createPrivateKey({ key: Buffer.from(material, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('la clé de signature des liens d’action doit être Ed25519');
  return { kid, key };
}

/** `<kid>:<base64 SPKI DER>,…`, the form of ACTION_LINK_VERIFY_KEYS (several during a rotation). */
export function parseVerifyKeys(value: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const item of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [kid, material] = splitKeyId(item);
    const key = createPublicKey({ key: Buffer.from(material, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`la clé ${kid} de vérification des liens d’action doit être Ed25519`);
    keys.set(kid, key);
  }
  if (keys.size === 0) throw new Error('aucune clé de vérification des liens d’action');
  return keys;
}

function splitKeyId(value: string): [string, string] {
  const match = /^([A-Za-z0-9_-]{1,16}):([A-Za-z0-9+/=]+)$/.exec(value.trim());
  if (!match?.[1] || !match[2]) throw new Error('attendu « identifiant:base64 »');
  return [match[1], match[2]];
}

/** A new key pair in the configuration's form (for the local platform and tests). */
export function generateActionLinkKeys(kid = 'k1'): { signingKey: string; verifyKeys: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signingKey: `${kid}:${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
    verifyKeys: `${kid}:${publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`,
  };
}

export function signActionLink(signing: { kid: string; key: KeyObject }, claims: Omit<ActionLinkClaims, 'v' | 'jti'> & { jti?: string }): string {
  const full: ActionLinkClaims = { v: 1, rid: claims.rid, sid: claims.sid, jti: claims.jti ?? encode(randomBytes(12)), iat: claims.iat, exp: claims.exp };
  const body = encode(Buffer.from(JSON.stringify(full)));
  const signed = `${signing.kid}.${body}`;
  return `${signed}.${encode(sign(null, Buffer.from(signed), signing.key))}`;
}

/** Checks the signature and the expiry; what the referral's state says is the referral service's to check. */
export function verifyActionLink(keys: Map<string, KeyObject>, token: string, nowSeconds: number): ActionLinkCheck {
  if (token.length > 600) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return { ok: false, reason: 'malformed' };
  const [kid, body, signature] = parts as [string, string, string];
  const key = keys.get(kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  if (!verify(null, Buffer.from(`${kid}.${body}`), key, Buffer.from(signature, 'base64url'))) return { ok: false, reason: 'bad-signature' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
  if (claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isClaims(value: unknown): value is ActionLinkClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    c['v'] === 1 &&
    typeof c['rid'] === 'string' && UUID.test(c['rid']) &&
    typeof c['sid'] === 'string' && UUID.test(c['sid']) &&
    typeof c['jti'] === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(c['jti']) &&
    Number.isInteger(c['iat']) && Number.isInteger(c['exp'])
  );
}
