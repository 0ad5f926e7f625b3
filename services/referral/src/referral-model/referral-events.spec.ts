import { referralStatuses } from '@relais/contracts';
import { nextStatuses } from './referral-lifecycle';
import { transitionEventType } from './referral-events';

describe('transition events', () => {
  it('names a catalog event for every arrow of the lifecycle, except entering requested (its own event)', () => {
    for (const from of referralStatuses) {
      for (const to of nextStatuses(from)) {
        if (to === 'requested') expect(transitionEventType(from, to)).toBeNull();
        else expect(transitionEventType(from, to)).toMatch(/^fr\.relais\.referral\.referral\.[a-z-]+\.v1$/);
      }
    }
  });

  it('tells a start from a resumption', () => {
    expect(transitionEventType('accepted', 'in-progress')).toBe('fr.relais.referral.referral.started.v1');
    expect(transitionEventType('on-hold', 'in-progress')).toBe('fr.relais.referral.referral.resumed.v1');
  });
});
