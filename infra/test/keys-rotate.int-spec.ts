import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FieldCipher, PersonKeyStore, wrappedKeyId, type Queryable } from '@relais/privacy';
import { Client } from 'pg';
import { addNewKeys, retireUnusedKeys, rewrapAll } from '../src/keys-rotate';
import { readLocalMasterKeyRing, type SealingService } from '../src/local-key-rings';
import { freePort } from '../src/net';
import { databaseUrl, ensureDatabase, startPostgres, type PostgresServer } from '../src/postgres';
import { stateSubdir } from '../src/state-dir';

/* `npm run keys:rotate` on the local platform, against a real PostgreSQL: new key, re-wrap, retire. */

const root = stateSubdir('test', `keys-rotate-${process.pid}-${Date.now()}`);
const secretsDir = join(root, 'secrets');
let server: PostgresServer | undefined;
const urls: Partial<Record<SealingService, string>> = {};
const lines: string[] = [];
const options = () => ({ secretsDir, databaseUrlOf: (service: SealingService) => urls[service] ?? '', out: (line: string) => lines.push(line) });

async function withClient<T>(url: string, work: (db: Queryable) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work({ query: async (sql, parameters): Promise<unknown> => (await client.query(sql, parameters)).rows as unknown });
  } finally {
    await client.end();
  }
}

/** Person keys as a service running with its local ring would create them, with one sealed field each. */
async function createPersons(service: SealingService, refs: string[]): Promise<Map<string, Buffer>> {
  const store = new PersonKeyStore(new FieldCipher(readLocalMasterKeyRing(secretsDir, service)));
  const sealed = new Map<string, Buffer>();
  await withClient(urls[service] ?? '', async (db) => {
    for (const ref of refs) sealed.set(ref, (await store.keyFor(db, ref)).seal(`réponses de ${ref}`, `test:${ref}`));
  });
  return sealed;
}

async function keyIds(service: SealingService): Promise<string[]> {
  return withClient(urls[service] ?? '', async (db) => ((await db.query(`SELECT wrapped_key FROM person_keys ORDER BY person_ref`)) as Array<{ wrapped_key: Buffer }>).map((r) => wrappedKeyId(r.wrapped_key)));
}

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  server = await startPostgres({ dataDir: join(root, 'data'), port: await freePort(), fast: true });
  for (const service of ['referral', 'diagnostic'] as const) {
    urls[service] = await ensureDatabase(server.adminUrl, `keys_${service}`);
    expect(urls[service]).toBe(databaseUrl(server.adminUrl, `keys_${service}`));
    await withClient(urls[service] ?? '', (db) => db.query(`CREATE TABLE person_keys (person_ref text PRIMARY KEY, wrapped_key bytea NOT NULL, created_at timestamptz NOT NULL)`));
  }
});

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('a new key, the re-wrap of every person key under it, then the previous key retired; sealed data opens throughout', async () => {
  const before = { referral: await createPersons('referral', ['p-r1', 'p-r2']), diagnostic: await createPersons('diagnostic', ['p-d1', 'p-d2', 'p-d3']) };
  expect(await keyIds('diagnostic')).toEqual(['k1', 'k1', 'k1']);

  addNewKeys(options());
  expect(readLocalMasterKeyRing(secretsDir, 'diagnostic').ids).toEqual(['k2', 'k1']);
  expect(readLocalMasterKeyRing(secretsDir, 'referral').ids).toEqual(['k2', 'k1']);
  // The services restarted with k2 current: a new person is wrapped under it.
  await createPersons('diagnostic', ['p-d4']);

  // Retiring now would strand the keys k1 still wraps: it keeps them.
  await retireUnusedKeys(options());
  expect(readLocalMasterKeyRing(secretsDir, 'diagnostic').ids).toEqual(['k2', 'k1']);

  expect(await rewrapAll(options())).toBe(true);
  expect(await keyIds('diagnostic')).toEqual(['k2', 'k2', 'k2', 'k2']);
  expect(await keyIds('referral')).toEqual(['k2', 'k2']);
  expect(lines.join('\n')).toMatch(/diagnostic : terminé — 3 re-chiffrées/);

  await retireUnusedKeys(options());
  for (const service of ['referral', 'diagnostic'] as const) {
    const ring = readLocalMasterKeyRing(secretsDir, service);
    expect(ring.ids).toEqual(['k2']);
    // With k1 gone, every field sealed before the rotation still opens.
    const store = new PersonKeyStore(new FieldCipher(ring));
    await withClient(urls[service] ?? '', async (db) => {
      for (const [ref, sealed] of before[service]) expect((await store.find(db, ref))?.open(sealed, `test:${ref}`)).toBe(`réponses de ${ref}`);
    });
  }
});
