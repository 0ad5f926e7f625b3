import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of personal data: each person has a random 256-bit data key; the data key is
 * stored wrapped (encrypted) by the master key from config; each field is sealed with AES-256-GCM under
 * the person's data key. Deleting the wrapped key makes every field of that person unreadable for good
 * (crypto-shredding), including copies in backups.
 *
 * Each ciphertext is bound to what it is (the associated data names the referral and the field), so a
 * value copied to another row or column fails to decrypt instead of being shown out of context.
 * Layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 */
const VERSION = 1;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export class FieldCipher {
  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  }

  newDataKey(): Buffer {
    return randomBytes(32);
  }

  wrapKey(dataKey: Buffer, personRef: string): Buffer {
    return seal(this.masterKey, dataKey, `person-key:${personRef}`);
  }

  unwrapKey(wrapped: Buffer, personRef: string): Buffer {
    return open(this.masterKey, wrapped, `person-key:${personRef}`);
  }

  encrypt(dataKey: Buffer, plaintext: string, context: string): Buffer {
    return seal(dataKey, Buffer.from(plaintext, 'utf8'), context);
  }

  decrypt(dataKey: Buffer, ciphertext: Buffer, context: string): string {
    return open(dataKey, ciphertext, context).toString('utf8');
  }
}

function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < 1 + IV_LENGTH + TAG_LENGTH || sealed[0] !== VERSION) throw new Error('unknown ciphertext format');
  const iv = sealed.subarray(1, 1 + IV_LENGTH);
  const tag = sealed.subarray(1 + IV_LENGTH, 1 + IV_LENGTH + TAG_LENGTH);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_LENGTH + TAG_LENGTH)), decipher.final()]);
}
