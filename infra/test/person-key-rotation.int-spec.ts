import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FieldCipher, MasterKeyRing, PersonKeyStore, countKeysById, rotatePersonKeys, wrappedKeyId, type Queryable, type SqlClient } from '@relais/privacy';
import { Client } from 'pg';
import { freePort } from '../src/net';
import { ensureDatabase, startPostgres, type PostgresServer } from '../src/postgres';
import { stateSubdir } from '../src/state-dir';

/*
 * The re-wrap behind `keys:rotate` (libs/privacy) against a real PostgreSQL, with a service reading,
 * erasing and creating person keys at the same time. Here rather than in libs/privacy, whose tests cannot
 * use the test infrastructure: the local platform (this project) depends on libs/privacy.
 */
const root = stateSubdir('test', `person-key-rotation-${process.pid}-${Date.now()}`);

/** A person key as wrapped before key ids existed (format 1, the single REFERRAL_MASTER_KEY). */
function legacyWrap(masterKey: Buffer, dataKey: Buffer, personRef: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`person-key:${personRef}`, 'utf8'));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
}

const rowsOf = (client: Client): Queryable => ({ query: async (sql, parameters): Promise<unknown> => (await client.query(sql, parameters)).rows as unknown });

describe('keys:rotate against PostgreSQL', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const before = new FieldCipher(new MasterKeyRing([{ id: 'k1', key: k1 }]));
  const during = new FieldCipher(new MasterKeyRing([{ id: 'k2', key: k2 }, { id: 'k1', key: k1 }]));
  const after = new FieldCipher(new MasterKeyRing([{ id: 'k2', key: k2 }]));
  let server: PostgresServer | undefined;
  let rotator: Client;
  let service: Client;

  beforeAll(async () => {
    mkdirSync(root, { recursive: true });
    server = await startPostgres({ dataDir: join(root, 'data'), port: await freePort(), fast: true });
    const url = await ensureDatabase(server.adminUrl, 'rotation');
    [rotator, service] = [new Client({ connectionString: url }), new Client({ connectionString: url })];
    await Promise.all([rotator.connect(), service.connect()]);
    // The shape every service's person_keys table has (referral, diagnostic), and a table of sealed fields.
    await service.query(`CREATE TABLE person_keys (person_ref text PRIMARY KEY, wrapped_key bytea NOT NULL, created_at timestamptz NOT NULL)`);
    await service.query(`CREATE TABLE sealed (person_ref text PRIMARY KEY, value bytea NOT NULL)`);
  });

  afterAll(async () => {
    await Promise.all([rotator?.end(), service?.end()]);
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** n persons under k1, half of them in the legacy format, each with one sealed field. */
  async function seed(prefix: string, n: number): Promise<string[]> {
    const refs: string[] = [];
    const wrapped: Buffer[] = [];
    const sealed: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const ref = `p-${prefix}-${String(i).padStart(5, '0')}`;
      const dataKey = before.newDataKey();
      refs.push(ref);
      wrapped.push(i % 2 === 0 ? legacyWrap(k1, dataKey, ref) : before.wrapKey(dataKey, ref));
      sealed.push(before.encrypt(dataKey, `secret of ${ref}`, `test:${ref}`));
    }
    await service.query(`INSERT INTO person_keys SELECT * , now() FROM unnest($1::text[], $2::bytea[])`, [refs, wrapped]);
    await service.query(`INSERT INTO sealed SELECT * FROM unnest($1::text[], $2::bytea[])`, [refs, sealed]);
    return refs;
  }

  it('re-wraps every key under the current master key while the service keeps reading, erasing and creating', async () => {
    const refs = await seed('online', 1200);
    expect(await countKeysById(rotator)).toEqual({ k1: 1200 });

    // The service, running with the ring k2,k1 during the rotation: reads, erasures and new persons.
    const store = new PersonKeyStore(during);
    const db = rowsOf(service);
    let running = true;
    let reads = 0;
    const readFailures: unknown[] = [];
    const toErase = refs.filter((_, i) => i % 97 === 0);
    const erased: string[] = [];
    const created: string[] = [];
    const serviceLoop = (async () => {
      let i = 0;
      while (running) {
        const ref = refs[(i * 131) % refs.length];
        const sealed = (await service.query<{ value: Buffer }>(`SELECT value FROM sealed WHERE person_ref = $1`, [ref])).rows[0];
        try {
          const key = await store.find(db, ref);
          if (key && sealed) {
            if (key.open(sealed.value, `test:${ref}`) !== `secret of ${ref}`) readFailures.push(ref);
            reads += 1;
          }
        } catch (error) {
          readFailures.push(error);
        }
        if (i < toErase.length) {
          await service.query(`DELETE FROM person_keys WHERE person_ref = $1`, [toErase[i]]);
          erased.push(toErase[i]);
        }
        if (i < 50) {
          const ref = `p-new-${String(i).padStart(3, '0')}`;
          await store.keyFor(db, ref);
          created.push(ref);
        }
        i += 1;
      }
    })();

    const batches: number[] = [];
    const report = await rotatePersonKeys(rotator, during, { batchSize: 100, pauseMs: 5, onBatch: (p) => batches.push(p.rewrapped + p.skipped) });
    running = false;
    await serviceLoop;

    expect(readFailures).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(erased.length).toBeGreaterThan(0);
    expect(created.length).toBeGreaterThan(0);
    expect(batches.length).toBeGreaterThan(5);
    expect(report.failed).toBe(0);
    expect(report.rewrapped + report.skipped).toBe(report.examined);
    // Nothing is left under k1; erased persons stay erased; persons created meanwhile are under k2.
    const remaining = (await rotator.query<{ person_ref: string; wrapped_key: Buffer }>(`SELECT person_ref, wrapped_key FROM person_keys`)).rows;
    // (the report counted while the service was still creating and erasing: only its key ids are exact)
    expect(Object.keys(report.keysById)).toEqual(['k2']);
    expect(await countKeysById(rotator)).toEqual({ k2: remaining.length });
    expect(remaining.map((r) => wrappedKeyId(r.wrapped_key)).every((id) => id === 'k2')).toBe(true);
    const present = new Set(remaining.map((r) => r.person_ref));
    expect(erased.some((ref) => present.has(ref))).toBe(false);
    expect(created.every((ref) => present.has(ref))).toBe(true);
    expect(remaining.length).toBe(1200 - erased.length + created.length);

    // With k1 gone from the ring, every surviving person's sealed field still opens: data was never re-encrypted.
    const afterStore = new PersonKeyStore(after);
    for (const ref of refs.filter((r) => present.has(r))) {
      const sealed = (await service.query<{ value: Buffer }>(`SELECT value FROM sealed WHERE person_ref = $1`, [ref])).rows[0];
      const key = await afterStore.find(db, ref);
      expect(key?.open(sealed?.value ?? null, `test:${ref}`)).toBe(`secret of ${ref}`);
    }

    // A second run has nothing to do.
    const again = await rotatePersonKeys(rotator, during, { batchSize: 100 });
    expect(again).toMatchObject({ examined: 0, rewrapped: 0, skipped: 0, failed: 0 });
  });

  it('never overwrites a key the service erased or replaced between the read and the write', async () => {
    await service.query(`TRUNCATE person_keys, sealed`);
    const refs = await seed('race', 10);
    const [erasedRef, replacedRef] = [refs[3], refs[6]];
    const replacement = during.wrapKey(during.newDataKey(), replacedRef);
    // The service acts right after the rotation read its batch, before the rotation writes.
    const racing: SqlClient = {
      query: async <R extends object>(text: string, values?: unknown[]) => {
        if (text.trimStart().startsWith('UPDATE')) {
          await service.query(`DELETE FROM person_keys WHERE person_ref = $1`, [erasedRef]);
          await service.query(`UPDATE person_keys SET wrapped_key = $2 WHERE person_ref = $1`, [replacedRef, replacement]);
        }
        const result = await rotator.query<R>(text, values);
        return { rows: result.rows, rowCount: result.rowCount };
      },
    };
    const report = await rotatePersonKeys(racing, during, { batchSize: 100 });
    expect(report).toMatchObject({ examined: 10, rewrapped: 8, skipped: 2, failed: 0 });
    const rows = (await rotator.query<{ person_ref: string; wrapped_key: Buffer }>(`SELECT person_ref, wrapped_key FROM person_keys ORDER BY person_ref`)).rows;
    expect(rows.map((r) => r.person_ref)).not.toContain(erasedRef);
    expect(rows.find((r) => r.person_ref === replacedRef)?.wrapped_key.equals(replacement)).toBe(true);
    expect(report.keysById).toEqual({ k2: 9 });
  });

  it('reports keys wrapped under a master key missing from the ring, and leaves them as they are', async () => {
    await service.query(`TRUNCATE person_keys, sealed`);
    await seed('orphan', 4);
    const stranger = new FieldCipher(new MasterKeyRing([{ id: 'k9', key: randomBytes(32) }]));
    await service.query(`INSERT INTO person_keys VALUES ($1, $2, now())`, ['p-orphan-k9', stranger.wrapKey(stranger.newDataKey(), 'p-orphan-k9')]);
    const report = await rotatePersonKeys(rotator, during);
    expect(report).toMatchObject({ rewrapped: 4, failed: 1, keysById: { k2: 4, k9: 1 } });
    expect(report.failures).toEqual([{ personRef: 'p-orphan-k9', error: expect.stringMatching(/master key k9, which is not in the ring/) }]);
  });
});
