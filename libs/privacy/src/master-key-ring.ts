import { randomBytes } from 'node:crypto';

/** A master key and the id that wrapped person keys carry, so a reader knows which key opens them. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** The id the single master key of earlier installs gets (`REFERRAL_MASTER_KEY`), and of keys wrapped before ids existed. */
export const LEGACY_KEY_ID = 'k1';

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The master keys of one service: the first is current (new person keys are wrapped under it), the
 * others are previous keys still accepted for reading while `keys:rotate` re-wraps what they wrapped.
 * Rotating never re-encrypts personal data: only the small wrapped person keys change.
 */
export class MasterKeyRing {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(readonly keys: readonly MasterKey[]) {
    if (keys.length === 0) throw new Error('a master key ring needs at least one key');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new Error(`master key id "${id}" must be 1 to 32 letters, digits, _ or -`);
      if (key.length !== 32) throw new Error(`master key ${id} must be 32 bytes`);
      if (byId.has(id)) throw new Error(`master key id ${id} appears twice`);
      byId.set(id, key);
    }
    this.byId = byId;
  }

  /** A ring of one key, e.g. for a single legacy master key or a test. */
  static single(key: Buffer, id = LEGACY_KEY_ID): MasterKeyRing {
    return new MasterKeyRing([{ id, key }]);
  }

  get current(): MasterKey {
    return this.keys[0];
  }

  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** The key with this id, or undefined when the ring no longer (or never) held it. */
  key(id: string): Buffer | undefined {
    return this.byId.get(id);
  }

  /** The ring as configured (`id:base64,…`, current first): what a key file or a secret holds. */
  serialize(): string {
    return this.keys.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(',');
  }

  /** The same ring with a new random key in front (current), the others kept for reading. */
  withNewCurrentKey(): MasterKeyRing {
    return new MasterKeyRing([{ id: nextKeyId(this.ids), key: randomBytes(32) }, ...this.keys]);
  }

  /** The same ring without the keys whose ids are listed (never the current one). */
  without(ids: readonly string[]): MasterKeyRing {
    if (ids.includes(this.current.id)) throw new Error(`the current master key ${this.current.id} cannot be retired`);
    return new MasterKeyRing(this.keys.filter((k) => !ids.includes(k.id)));
  }
}

/** k1, k2, … : one more than the highest numbered id of the ring. */
function nextKeyId(ids: readonly string[]): string {
  const numbers = ids.map((id) => /^k(\d+)$/.exec(id)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  return `k${Math.max(0, ...numbers) + 1}`;
}

/**
 * Parses `id:base64,id:base64,…` (first is current). Errors name the variable and the key id, never a
 * key's value, because they end up in logs.
 */
export function parseMasterKeyRing(name: string, raw: string): MasterKeyRing {
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error(`${name} est vide`);
  const keys: MasterKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const value = colon > 0 ? entry.slice(colon + 1) : '';
    if (!KEY_ID.test(id)) {
      throw new Error(`${name} : l’entrée n° ${index + 1} doit s’écrire identifiant:clé-en-base64 (identifiant de 1 à 32 lettres, chiffres, _ ou -)`);
    }
    const key = BASE64.test(value) ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) throw new Error(`${name} : la clé ${id} doit contenir exactement 32 octets encodés en base64 (reçu ${key.length} octets)`);
    if (keys.some((k) => k.id === id)) throw new Error(`${name} : l’identifiant ${id} apparaît deux fois`);
    keys.push({ id, key });
  }
  return new MasterKeyRing(keys);
}

/**
 * Config reader (see `loadConfig` in @relais/platform) of a service's master key ring, e.g.
 * `DIAGNOSTIC_MASTER_KEYS=k2:…,k1:…`. Each key is 32 random bytes in base64 (`openssl rand -base64 32`).
 */
export function masterKeyRing(): (name: string, raw: string | undefined) => MasterKeyRing {
  return (name, raw) => {
    if (raw === undefined || raw.trim() === '') {
      throw new Error(`${name} est obligatoire mais absente (identifiant:clé,… ; clé de 32 octets en base64, ex. k1:$(openssl rand -base64 32))`);
    }
    return parseMasterKeyRing(name, raw.trim());
  };
}

/**
 * Installs configured with one master key (`REFERRAL_MASTER_KEY`) keep working: when the ring variable
 * is absent, the single key becomes the ring `k1:<key>`, the id under which keys wrapped before ids
 * existed are read. When both are set the ring is authoritative (it must then hold the old key as k1
 * until `keys:rotate` has re-wrapped everything).
 */
export function withLegacyMasterKey(
  source: Record<string, string | undefined>,
  ringName: string,
  legacyName: string,
): Record<string, string | undefined> {
  const ring = source[ringName]?.trim();
  const legacy = source[legacyName]?.trim();
  if (ring || !legacy) return source;
  return { ...source, [ringName]: `${LEGACY_KEY_ID}:${legacy}` };
}
