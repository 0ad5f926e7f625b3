import { eventually } from './eventually';

describe('eventually', () => {
  it('returns as soon as the assertion passes', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return calls;
    }, { intervalMs: 1 });
    expect(value).toBe(3);
  });

  it('rethrows the last failure when time runs out', async () => {
    let calls = 0;
    await expect(
      eventually(() => {
        calls += 1;
        throw new Error(`attempt ${calls}`);
      }, { timeoutMs: 30, intervalMs: 5 }),
    ).rejects.toThrow(/attempt \d+/);
    expect(calls).toBeGreaterThan(1);
  });
});
