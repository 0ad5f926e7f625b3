import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMasterKeyRing } from '@relais/privacy';
import { localMasterKeyRing, readLocalMasterKeyRing, saveLocalMasterKeyRing } from './local-key-rings';

describe('local master key rings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relais-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a ring of one random key on first start, readable only by its owner, and keeps it', () => {
    const first = localMasterKeyRing(dir, 'diagnostic');
    expect(parseMasterKeyRing('ring', first).ids).toEqual(['k1']);
    expect(statSync(join(dir, 'diagnostic-master-keys')).mode & 0o777).toBe(0o600);
    expect(localMasterKeyRing(dir, 'diagnostic')).toBe(first);
    expect(localMasterKeyRing(dir, 'referral')).not.toBe(first);
  });

  it('turns the single master key of an earlier install into k1, so what it wrapped stays readable', () => {
    const legacy = randomBytes(32).toString('base64');
    writeFileSync(join(dir, 'referral-master-key'), `${legacy}\n`);
    expect(localMasterKeyRing(dir, 'referral')).toBe(`k1:${legacy}`);
    expect(readFileSync(join(dir, 'referral-master-key'), 'utf8').trim()).toBe(legacy);
  });

  it('saves a rotated ring in place of the old one', () => {
    const rotated = readLocalMasterKeyRing(dir, 'diagnostic').withNewCurrentKey();
    saveLocalMasterKeyRing(dir, 'diagnostic', rotated);
    expect(readLocalMasterKeyRing(dir, 'diagnostic').ids).toEqual(['k2', 'k1']);
    expect(localMasterKeyRing(dir, 'diagnostic')).toBe(rotated.serialize());
  });
});
