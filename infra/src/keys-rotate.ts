/**
 * `npm run keys:rotate` on the local platform: the master key rings of the referral and diagnostic
 * services live in the secrets folder (`<state>/data/secrets/<service>-master-keys`, current key first).
 *
 *   npm run keys:rotate -- --new-key   a new current key in each ring, the previous ones kept for reading;
 *                                      takes effect at the next `npm start`
 *   npm run keys:rotate                re-wraps every person key under the current key, with the platform
 *                                      running (services read keys wrapped under any key of their ring)
 *   npm run keys:rotate -- --retire    drops from each ring the previous keys that no person key uses any
 *                                      more (next `npm start`); old backups then stay sealed for good
 *
 * On a real instance, the same re-wrap runs per service with its own environment:
 * `node dist/libs/privacy/src/rotate-keys.js DIAGNOSTIC_MASTER_KEYS` (docs/diagnostic.md, the runbook).
 */
import { join } from 'node:path';
import { countKeysById, rotateDatabase } from '@relais/privacy';
import { Client } from 'pg';
import { readLocalConfig, localPorts, type LocalConfig } from './local-config';
import { readLocalMasterKeyRing, saveLocalMasterKeyRing, sealingServices, type SealingService } from './local-key-rings';
import { databaseName } from './platform';
import { databaseUrl } from './postgres';
import { stateSubdir } from './state-dir';

const say = (message: string) => process.stdout.write(`\x1b[1m[relais keys]\x1b[0m ${message}\n`);

/** The same folder `npm start` keeps its secrets in. */
export function localSecretsDir(config: Pick<LocalConfig, 'RELAIS_STATE_DIR'>): string {
  return config.RELAIS_STATE_DIR ? join(config.RELAIS_STATE_DIR, 'data', 'secrets') : stateSubdir('data', 'secrets');
}

/** The platform's PostgreSQL as its administrator (DATABASE_URL when the platform uses an external server). */
function adminUrl(config: LocalConfig): string {
  return config.DATABASE_URL ?? `postgres://postgres:relais-dev@127.0.0.1:${localPorts(config.RELAIS_PORT).postgres}/postgres`;
}

export interface LocalKeysOptions {
  secretsDir: string;
  /** Where each service's database is, as a role that may update its person keys. */
  databaseUrlOf: (service: SealingService) => string;
  out: (line: string) => void;
}

/** Puts a new current key in front of each service's ring. */
export function addNewKeys(options: Pick<LocalKeysOptions, 'secretsDir' | 'out'>): void {
  for (const service of sealingServices) {
    const ring = readLocalMasterKeyRing(options.secretsDir, service).withNewCurrentKey();
    saveLocalMasterKeyRing(options.secretsDir, service, ring);
    options.out(`${service} : nouvelle clé courante ${ring.current.id} (anneau : ${ring.ids.join(', ')})`);
  }
  options.out('redémarrez la plateforme (npm start) pour que les services chiffrent sous la nouvelle clé, puis lancez npm run keys:rotate.');
}

/** Re-wraps each service's person keys under its ring's current key; false when some could not be. */
export async function rewrapAll(options: LocalKeysOptions): Promise<boolean> {
  let ok = true;
  for (const service of sealingServices) {
    const report = await rotateDatabase(service, options.databaseUrlOf(service), readLocalMasterKeyRing(options.secretsDir, service), options.out);
    ok &&= report.failed === 0;
  }
  return ok;
}

/** Drops the previous keys no person key uses any more; a key still in use stays, with how many it wraps. */
export async function retireUnusedKeys(options: LocalKeysOptions): Promise<void> {
  for (const service of sealingServices) {
    const ring = readLocalMasterKeyRing(options.secretsDir, service);
    const inUse = await keysInUse(options.databaseUrlOf(service));
    const unused = ring.ids.filter((id) => id !== ring.current.id && !inUse[id]);
    const still = ring.ids.filter((id) => id !== ring.current.id && inUse[id]).map((id) => `${id} (${inUse[id]} clés de personne)`);
    saveLocalMasterKeyRing(options.secretsDir, service, ring.without(unused));
    options.out(`${service} : ${unused.length ? `retirées : ${unused.join(', ')}` : 'aucune clé à retirer'}${still.length ? ` ; encore utilisées : ${still.join(', ')}` : ''}`);
  }
}

async function keysInUse(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await countKeysById(client);
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const config = readLocalConfig();
  const admin = adminUrl(config);
  const options: LocalKeysOptions = { secretsDir: localSecretsDir(config), databaseUrlOf: (service) => databaseUrl(admin, databaseName(service)), out: say };
  const flag = process.argv[2];
  switch (flag) {
    case '--new-key':
      addNewKeys(options);
      return 0;
    case '--retire':
      await retireUnusedKeys(options);
      return 0;
    case undefined:
      return (await rewrapAll(options)) ? 0 : 1;
    default:
      say(`option inconnue : ${flag} (--new-key, --retire, ou rien pour re-chiffrer)`);
      return 64;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      say(`échec : ${error instanceof Error ? error.message : String(error)} (la plateforme tourne-t-elle ? npm start)`);
      process.exit(1);
    },
  );
}
