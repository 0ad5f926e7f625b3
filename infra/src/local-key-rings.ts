import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateActionLinkKeys } from '@relais/auth';
import { LEGACY_KEY_ID, MasterKeyRing, parseMasterKeyRing } from '@relais/privacy';

/** The services that seal personal data under person keys, each with a master key ring of its own. */
export const sealingServices = ['referral', 'diagnostic'] as const;
export type SealingService = (typeof sealingServices)[number];

const ringFile = (dir: string, service: SealingService) => join(dir, `${service}-master-keys`);
/** Where the local platform kept the referral's single master key before rings. */
const legacyFile = (dir: string, service: SealingService) => join(dir, `${service}-master-key`);

/**
 * A service's master key ring on the local platform (`id:base64,…`, current first), kept in the secrets
 * folder beside the data it protects. Made at random on first use; a single key of an earlier install
 * becomes the ring's `k1`, so what it wrapped stays readable.
 */
export function localMasterKeyRing(dir: string, service: SealingService): string {
  const file = ringFile(dir, service);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const legacy = legacyFile(dir, service);
  const ring = existsSync(legacy)
    ? parseMasterKeyRing(legacy, `${LEGACY_KEY_ID}:${readFileSync(legacy, 'utf8').trim()}`)
    : MasterKeyRing.single(randomBytes(32));
  writeFileSync(file, `${ring.serialize()}\n`, { mode: 0o600, flag: 'wx' });
  return ring.serialize();
}

/** Replaces a service's local ring (written aside, then renamed: never half a file). */
export function saveLocalMasterKeyRing(dir: string, service: SealingService, ring: MasterKeyRing): void {
  const file = ringFile(dir, service);
  writeFileSync(`${file}.new`, `${ring.serialize()}\n`, { mode: 0o600 });
  renameSync(`${file}.new`, file);
}

export function readLocalMasterKeyRing(dir: string, service: SealingService): MasterKeyRing {
  return parseMasterKeyRing(ringFile(dir, service), localMasterKeyRing(dir, service));
}

/**
 * The local platform's action-link keys (libs/auth/src/action-link-token.ts): the notification service
 * signs with the private one, the referral service checks with the public one. Made once, kept with the
 * other secrets, so links in mail already sent keep working after a restart.
 */
export function localActionLinkKeys(dir: string): { privateKey: string; publicKey: string } {
  const file = join(dir, 'action-link-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keys = generateActionLinkKeys('k1');
    try {
      writeFileSync(file, `${JSON.stringify({ privateKey: keys.signingKey, publicKey: keys.verifyKeys })}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process of the same start made it first: read theirs.
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as { privateKey: string; publicKey: string };
}
