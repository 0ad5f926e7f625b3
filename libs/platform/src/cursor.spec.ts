import { decodeCursor, encodeCursor, pageOf, readCursor } from './cursor';

describe('cursor pagination', () => {
  it('round-trips a sort key and refuses what is not one of this shape', () => {
    expect(decodeCursor(encodeCursor(['2026-11-23T09:00:00.000Z', 'a1']), 2)).toEqual(['2026-11-23T09:00:00.000Z', 'a1']);
    expect(decodeCursor(encodeCursor(['42']), 2)).toBeNull();
    expect(decodeCursor('garbage', 1)).toBeNull();
    expect(decodeCursor(Buffer.from('[{"id":1}]').toString('base64url'), 1)).toBeNull();
    expect(() => readCursor('garbage', 1)).toThrow(expect.objectContaining({ code: 'validation-error' }));
  });

  it('gives a next cursor only when the extra row shows there is a next page', () => {
    const rows = [{ id: 3 }, { id: 2 }, { id: 1 }];
    const full = pageOf(rows, 2, (row) => row.id, (row) => [row.id]);
    expect(full.items).toEqual([3, 2]);
    expect(full.nextCursor && decodeCursor(full.nextCursor, 1)).toEqual([2]);
    expect(pageOf(rows, 3, (row) => row.id, (row) => [row.id]).nextCursor).toBeNull();
  });
});
