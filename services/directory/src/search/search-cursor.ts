import { createHash } from 'node:crypto';
import { DomainError } from '@relais/platform';

/** The sort key of a result: full last, then distance, then waiting time, then id (ties broken for good). */
export type SortKey = [full: number, distance: number, waiting: number, id: string];

interface CursorBody {
  k: SortKey;
  /** Which query the cursor belongs to: a cursor replayed with other filters would skip or repeat rows. */
  q: string;
}

/** A fingerprint of the filters (everything but cursor and limit). */
export function queryFingerprint(filters: Record<string, unknown>): string {
  const stable = Object.keys(filters)
    .filter((key) => key !== 'cursor' && key !== 'limit' && filters[key] !== undefined)
    .sort()
    .map((key) => [key, filters[key]]);
  return createHash('sha256').update(JSON.stringify(stable)).digest('base64url').slice(0, 16);
}

export function encodeCursor(key: SortKey, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ k: key, q: fingerprint } satisfies CursorBody)).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): SortKey {
  let body: CursorBody;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorBody;
  } catch {
    throw invalid('cursor illisible');
  }
  const key = body?.k;
  const valid =
    Array.isArray(key) &&
    key.length === 4 &&
    typeof key[0] === 'number' &&
    typeof key[1] === 'number' &&
    typeof key[2] === 'number' &&
    typeof key[3] === 'string' &&
    /^[0-9a-f-]{36}$/i.test(key[3]);
  if (!valid) throw invalid('cursor illisible');
  if (body.q !== fingerprint) throw invalid('ce curseur appartient à une autre recherche : gardez les mêmes filtres pour passer à la page suivante');
  return key;
}

function invalid(message: string): DomainError {
  return new DomainError('invalid-query', `Paramètre cursor invalide : ${message}.`, { errors: [{ field: 'cursor', message }] });
}
