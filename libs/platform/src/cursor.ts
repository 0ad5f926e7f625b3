import { ValidationError } from './domain-error';

/**
 * Cursor pagination, the same in every list: a page answers `nextCursor` (null on the last page), an opaque
 * text the caller sends back as `cursor`. Inside, the sort key of the page's last item, as JSON in base64url.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor holds, or null if it is not one of ours (or not of this list's shape). */
export function decodeCursor(text: string, arity: number): Array<string | number> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== arity) return null;
    return (value as unknown[]).every((part) => typeof part === 'string' || typeof part === 'number') ? (value as Array<string | number>) : null;
  } catch {
    return null;
  }
}

/**
 * One page out of `limit + 1` rows read: the extra row only tells that there is a next page, whose cursor
 * is the key of the page's last item.
 */
export function pageOf<T, V>(rows: readonly T[], limit: number, view: (row: T) => V, key: (row: T) => readonly (string | number)[]): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}

/** The sort key of a `cursor` query parameter; a cursor that is not one of this list's is a 400 naming it. */
export function readCursor(text: string, arity: number): Array<string | number> {
  const key = decodeCursor(text, arity);
  if (!key) throw new ValidationError([{ field: 'cursor', message: 'curseur illisible : reprenez nextCursor tel quel' }]);
  return key;
}
