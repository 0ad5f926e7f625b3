import { decodeCursor, encodeCursor, isOverdue } from './referral-views';

describe('referral views', () => {
  const due = { acknowledgeDueAt: new Date('2026-11-25T23:00:00Z'), firstContactDueAt: new Date('2026-12-07T23:00:00Z') };

  it('is overdue on the step the receiver owes, only', () => {
    expect(isOverdue({ ...due, status: 'requested' }, new Date('2026-11-25T22:59:59Z'))).toBe(false);
    expect(isOverdue({ ...due, status: 'requested' }, new Date('2026-11-25T23:00:01Z'))).toBe(true);
    expect(isOverdue({ ...due, status: 'received' }, new Date('2026-11-26T10:00:00Z'))).toBe(false);
    expect(isOverdue({ ...due, status: 'accepted' }, new Date('2026-12-08T10:00:00Z'))).toBe(true);
    expect(isOverdue({ ...due, status: 'in-progress' }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isOverdue({ ...due, status: 'expired' }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it('round-trips a cursor and refuses garbage', () => {
    const cursor = { createdAt: '2026-11-23T09:00:00.000Z', id: '6f1c2b7e-4d0a-4c9e-9a51-3b2f8f0e1a01' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(Buffer.from('["not a date","x"]').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('["2026-11-23T09:00:00Z","1; DROP TABLE"]').toString('base64url'))).toBeNull();
  });
});
