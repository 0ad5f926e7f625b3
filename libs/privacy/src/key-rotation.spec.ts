import { randomBytes } from 'node:crypto';
import { FieldCipher, wrappedKeyId } from './field-cipher';
import { rotatePersonKeys, type SqlClient } from './key-rotation';
import { MasterKeyRing } from './master-key-ring';

/**
 * An in-memory person_keys table answering the three statements the rotation sends (the batch read,
 * the compare-and-set update, the count per key id); the same run against PostgreSQL is in
 * test/key-rotation.int-spec.ts.
 */
function fakeTable(rows: Map<string, Buffer>, statements: string[]): SqlClient {
  return {
    query: <R extends object>(text: string, values: unknown[] = []) => {
      statements.push(text.trim().split(/\s+/)[0] ?? '');
      if (text.includes('GROUP BY')) {
        const counts = new Map<string, number>();
        for (const wrapped of rows.values()) counts.set(wrappedKeyId(wrapped), (counts.get(wrappedKeyId(wrapped)) ?? 0) + 1);
        return Promise.resolve({ rows: [...counts].map(([key_id, count]) => ({ key_id, count: String(count) })) as unknown as R[], rowCount: counts.size });
      }
      if (text.trimStart().startsWith('SELECT')) {
        const [after, current, limit] = values as [string, string, number];
        const found = [...rows]
          .filter(([ref, wrapped]) => ref > after && wrappedKeyId(wrapped) !== current)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .slice(0, limit)
          .map(([person_ref, wrapped_key]) => ({ person_ref, wrapped_key }));
        return Promise.resolve({ rows: found as unknown as R[], rowCount: found.length });
      }
      const [refs, previous, next] = values as [string[], Buffer[], Buffer[]];
      let count = 0;
      refs.forEach((ref, i) => {
        if (rows.get(ref)?.equals(previous[i])) {
          rows.set(ref, next[i]);
          count += 1;
        }
      });
      return Promise.resolve({ rows: [], rowCount: count });
    },
  };
}

describe('rotatePersonKeys', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const old = new FieldCipher(MasterKeyRing.single(k1));
  const ring = new FieldCipher(new MasterKeyRing([{ id: 'k2', key: k2 }, { id: 'k1', key: k1 }]));

  it('re-wraps in batches only what is not under the current key, keeping every data key', () => {
    const dataKeys = new Map<string, Buffer>();
    const rows = new Map<string, Buffer>();
    for (let i = 0; i < 25; i++) {
      const ref = `p-${String(i).padStart(3, '0')}`;
      const dataKey = old.newDataKey();
      dataKeys.set(ref, dataKey);
      rows.set(ref, i % 5 === 0 ? ring.wrapKey(dataKey, ref) : old.wrapKey(dataKey, ref));
    }
    const statements: string[] = [];
    const batches: number[] = [];
    return rotatePersonKeys(fakeTable(rows, statements), ring, { batchSize: 8, onBatch: (p) => batches.push(p.examined) }).then((report) => {
      expect(report).toMatchObject({ currentKeyId: 'k2', examined: 20, rewrapped: 20, skipped: 0, failed: 0, keysById: { k2: 25 } });
      expect(batches).toEqual([8, 16, 20]);
      expect(statements.filter((s) => s === 'UPDATE')).toHaveLength(3);
      for (const [ref, wrapped] of rows) expect(new FieldCipher(MasterKeyRing.single(k2, 'k2')).unwrapKey(wrapped, ref).equals(dataKeys.get(ref) as Buffer)).toBe(true);
    });
  });

  it('has nothing to do when every key is under the current master key', async () => {
    const rows = new Map([['p-1', ring.wrapKey(ring.newDataKey(), 'p-1')]]);
    const statements: string[] = [];
    const report = await rotatePersonKeys(fakeTable(rows, statements), ring);
    expect(report).toMatchObject({ examined: 0, rewrapped: 0, keysById: { k2: 1 } });
    expect(statements).not.toContain('UPDATE');
  });
});
