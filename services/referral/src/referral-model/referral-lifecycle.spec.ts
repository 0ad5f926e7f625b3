import { referralStatuses, type ReferralStatus } from '@relais/contracts';
import { checkTransition, isEndState, nextStatuses, nextStatusesFor, referralLifecycle, whoMayMove, type Party } from './referral-lifecycle';

const parties: Party[] = ['sender', 'receiver', 'coordinator', 'system'];

/** The arrows, written out independently of the table so a slip in either shows. */
const expected: Array<[ReferralStatus, ReferralStatus, Party[]]> = [
  ['draft', 'requested', ['sender']],
  ['draft', 'cancelled', ['sender']],
  ['requested', 'received', ['receiver']],
  ['requested', 'redirected', ['coordinator']],
  ['requested', 'cancelled', ['sender']],
  ['requested', 'expired', ['system']],
  ['received', 'accepted', ['receiver']],
  ['received', 'rejected', ['receiver']],
  ['received', 'redirected', ['receiver', 'coordinator']],
  ['received', 'cancelled', ['sender']],
  ['accepted', 'in-progress', ['receiver']],
  ['accepted', 'failed', ['receiver']],
  ['accepted', 'cancelled', ['sender']],
  ['in-progress', 'on-hold', ['receiver']],
  ['in-progress', 'completed', ['receiver']],
  ['in-progress', 'failed', ['receiver']],
  ['in-progress', 'cancelled', ['sender']],
  ['on-hold', 'in-progress', ['receiver']],
  ['on-hold', 'failed', ['receiver']],
  ['on-hold', 'cancelled', ['sender']],
];

describe('referral lifecycle', () => {
  it('covers every status of the catalog', () => {
    expect(Object.keys(referralLifecycle).sort()).toEqual([...referralStatuses].sort());
  });

  it('has exactly the expected arrows, each with its parties', () => {
    const actual = referralStatuses.flatMap((from) => nextStatuses(from).map((to) => [from, to, [...whoMayMove(from, to)]]));
    expect(actual).toEqual(expect.arrayContaining(expected));
    expect(actual).toHaveLength(expected.length);
  });

  // Every (from, to, party) triple of the 12 × 12 × 4 grid.
  const grid = referralStatuses.flatMap((from) => referralStatuses.flatMap((to) => parties.map((party) => [from, to, party] as const)));

  it.each(grid)('%s → %s by %s', (from, to, party) => {
    const arrow = expected.find(([f, t]) => f === from && t === to);
    const check = checkTransition(from, to, [party]);
    if (!arrow) {
      expect(check).toMatchObject({ allowed: false, reason: 'no-such-move' });
    } else if (arrow[2].includes(party)) {
      expect(check).toEqual({ allowed: true, by: party });
    } else {
      expect(check).toMatchObject({ allowed: false, reason: 'not-this-party' });
    }
  });

  it('marks the end states: no arrow leaves them', () => {
    const ends = referralStatuses.filter(isEndState).sort();
    expect(ends).toEqual(['cancelled', 'completed', 'expired', 'failed', 'redirected', 'rejected']);
  });

  it('lets the sender cancel from every non-final status except nothing else', () => {
    for (const status of referralStatuses) {
      expect(nextStatusesFor(status, ['sender']).includes('cancelled')).toBe(!isEndState(status));
    }
  });

  it('tells a caller who is both sender and receiver every move of either', () => {
    expect(nextStatusesFor('received', ['sender', 'receiver']).sort()).toEqual(['accepted', 'cancelled', 'redirected', 'rejected']);
    expect(checkTransition('received', 'cancelled', ['receiver', 'sender'])).toEqual({ allowed: true, by: 'sender' });
  });

  it('lists, on a refusal, the moves left to the caller and to anyone', () => {
    expect(checkTransition('completed', 'accepted', ['receiver'])).toEqual({
      allowed: false,
      reason: 'no-such-move',
      allowedForCaller: [],
      allowedFromStatus: [],
    });
    expect(checkTransition('requested', 'accepted', ['receiver'])).toEqual({
      allowed: false,
      reason: 'no-such-move',
      allowedForCaller: ['received'],
      allowedFromStatus: ['received', 'redirected', 'cancelled', 'expired'],
    });
  });
});
