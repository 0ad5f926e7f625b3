import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LEGACY_KEY_ID, type MasterKeyRing } from './master-key-ring';

/**
 * Envelope encryption of personal data: each person has a random 256-bit data key; the data key is
 * stored wrapped (encrypted) by a master key of the service's ring; each field is sealed with
 * AES-256-GCM under the person's data key. Deleting the wrapped key makes every field of that person
 * unreadable for good (crypto-shredding); see the runbook for backups.
 *
 * Each ciphertext is bound to what it is (the associated data names the record and the field), so a
 * value copied to another row or column fails to decrypt instead of being shown out of context.
 * Sealed layout: version 1 (1 byte) | IV (12) | tag (16) | ciphertext.
 *
 * Wrapped person keys name the master key that wrapped them, so the master key can be rotated while
 * the service runs (reads accept any key of the ring, `keys:rotate` re-wraps under the current one):
 * version 2 (1 byte) | id length (1) | key id (ASCII) | sealed data key, bound to the id and the person.
 * Version 1 wrapped keys (no id: the single master key of earlier installs) are read with key `k1`.
 */
const SEALED_VERSION = 1;
const WRAPPED_VERSION = 2;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export class FieldCipher {
  constructor(readonly ring: MasterKeyRing) {}

  newDataKey(): Buffer {
    return randomBytes(32);
  }

  /** Wraps a person's data key under the current master key. */
  wrapKey(dataKey: Buffer, personRef: string): Buffer {
    const { id, key } = this.ring.current;
    const idBytes = Buffer.from(id, 'ascii');
    return Buffer.concat([Buffer.from([WRAPPED_VERSION, idBytes.length]), idBytes, seal(key, dataKey, wrapContext(id, personRef))]);
  }

  /** Opens a wrapped data key with whichever key of the ring wrapped it. */
  unwrapKey(wrapped: Buffer, personRef: string): Buffer {
    const { keyId, sealed, context } = parseWrapped(wrapped, personRef);
    const masterKey = this.ring.key(keyId);
    if (!masterKey) throw new Error(`person key wrapped under master key ${keyId}, which is not in the ring (${this.ring.ids.join(', ')})`);
    return open(masterKey, sealed, context);
  }

  /** True when the wrapped key is already under the current master key (nothing for `keys:rotate` to do). */
  isCurrent(wrapped: Buffer): boolean {
    return wrappedKeyId(wrapped) === this.ring.current.id;
  }

  /** The same data key, wrapped under the current master key. */
  rewrap(wrapped: Buffer, personRef: string): Buffer {
    return this.wrapKey(this.unwrapKey(wrapped, personRef), personRef);
  }

  encrypt(dataKey: Buffer, plaintext: string, context: string): Buffer {
    return seal(dataKey, Buffer.from(plaintext, 'utf8'), context);
  }

  decrypt(dataKey: Buffer, ciphertext: Buffer, context: string): string {
    return open(dataKey, ciphertext, context).toString('utf8');
  }
}

/** The id of the master key that wrapped this person key (`k1` for keys wrapped before ids existed). */
export function wrappedKeyId(wrapped: Buffer): string {
  return parseWrapped(wrapped, '').keyId;
}

function wrapContext(keyId: string, personRef: string): string {
  return `person-key:${keyId}:${personRef}`;
}

function parseWrapped(wrapped: Buffer, personRef: string): { keyId: string; sealed: Buffer; context: string } {
  if (wrapped[0] === SEALED_VERSION) return { keyId: LEGACY_KEY_ID, sealed: wrapped, context: `person-key:${personRef}` };
  const idLength = wrapped[1] ?? 0;
  if (wrapped[0] !== WRAPPED_VERSION || idLength === 0 || wrapped.length < 2 + idLength) throw new Error('unknown wrapped key format');
  const keyId = wrapped.subarray(2, 2 + idLength).toString('ascii');
  return { keyId, sealed: wrapped.subarray(2 + idLength), context: wrapContext(keyId, personRef) };
}

function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([SEALED_VERSION]), iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < 1 + IV_LENGTH + TAG_LENGTH || sealed[0] !== SEALED_VERSION) throw new Error('unknown ciphertext format');
  const iv = sealed.subarray(1, 1 + IV_LENGTH);
  const tag = sealed.subarray(1 + IV_LENGTH, 1 + IV_LENGTH + TAG_LENGTH);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_LENGTH + TAG_LENGTH)), decipher.final()]);
}
