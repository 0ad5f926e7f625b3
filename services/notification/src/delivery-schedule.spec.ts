import { retryDelayS } from './delivery-schedule';

describe('the retry rule both sending loops share', () => {
  const delays = [10, 60, 300];

  it('waits the delay of the attempt that failed, one more attempt than there are delays', () => {
    expect([1, 2, 3].map((attempt) => retryDelayS(attempt, delays))).toEqual([10, 60, 300]);
    expect(retryDelayS(4, delays)).toBeNull();
  });

  it('stops at a smaller budget (a message with another channel to fall back on)', () => {
    expect(retryDelayS(1, delays, 2)).toBe(10);
    expect(retryDelayS(2, delays, 2)).toBeNull();
  });

  it('keeps waiting the last delay when the budget is larger than the list', () => {
    expect(retryDelayS(5, delays, 8)).toBe(300);
  });
});
