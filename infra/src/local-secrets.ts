import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A secret of the local platform (e.g. the referral service's master key), made once at random and kept
 * beside the data it protects: losing it would make the encrypted contact details unreadable, as
 * crypto-shredding intends for an erased person, not for a restart.
 */
export function localSecret(dir: string, name: string, bytes = 32): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(bytes).toString('base64');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
