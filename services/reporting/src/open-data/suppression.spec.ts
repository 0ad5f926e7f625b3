import { possibleValues, suppress, type Cell } from './suppression';

/** A small deterministic generator (mulberry32): the same seed gives the same cases, so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Groups of communes whose values lean small (many 0–6), as the monthly cells of a rural network do. */
function generateGroups(next: () => number): Cell[] {
  const cells: Cell[] = [];
  const groups = 1 + Math.floor(next() * 4);
  for (let g = 0; g < groups; g++) {
    const size = 1 + Math.floor(next() * 8);
    const values = Array.from({ length: size }, () => (next() < 0.7 ? Math.floor(next() * 7) : Math.floor(next() * 60)));
    for (const value of values) if (value > 0) cells.push({ group: `g${g}`, isTotal: false, value, secret: false });
    cells.push({ group: `g${g}`, isTotal: true, value: values.reduce((a, b) => a + b, 0), secret: false });
  }
  return cells;
}

describe('open data: small cells are suppressed, and cannot be recomputed', () => {
  it('hides every value from 1 to 4, and no published value is one', () => {
    const next = random(14);
    for (let run = 0; run < 2000; run++) {
      for (const cell of suppress(generateGroups(next))) {
        if (cell.value >= 1 && cell.value <= 4) expect(cell.secret).toBe(true);
      }
    }
  });

  it('leaves every hidden cell with at least two possible values given the published totals and cells', () => {
    const next = random(2026);
    let checked = 0;
    for (let run = 0; run < 5000; run++) {
      const cells = suppress(generateGroups(next));
      for (const group of new Set(cells.map((c) => c.group))) {
        const members = cells.filter((c) => c.group === group);
        members.forEach((cell, index) => {
          if (!cell.secret) return;
          const { min, max } = possibleValues(members, index);
          // The true value is among the possible ones, and it is not the only one.
          expect(cell.value).toBeGreaterThanOrEqual(min);
          if (max !== null) expect(cell.value).toBeLessThanOrEqual(max);
          expect(max === null || max > min).toBe(true);
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('publishes large cells of a group as they are', () => {
    const cells = suppress([
      { group: 'a', isTotal: false, value: 40, secret: false },
      { group: 'a', isTotal: false, value: 12, secret: false },
      { group: 'a', isTotal: true, value: 52, secret: false },
    ]);
    expect(cells.map((c) => c.secret)).toEqual([false, false, false]);
  });

  it('hides a second cell beside a lone small one, and the total when nothing else can be hidden', () => {
    expect(
      suppress([
        { group: 'a', isTotal: false, value: 3, secret: false },
        { group: 'a', isTotal: false, value: 20, secret: false },
        { group: 'a', isTotal: false, value: 9, secret: false },
        { group: 'a', isTotal: true, value: 32, secret: false },
      ]).map((c) => c.secret),
    ).toEqual([true, false, true, false]);
    expect(
      suppress([
        { group: 'a', isTotal: false, value: 1, secret: false },
        { group: 'a', isTotal: false, value: 1, secret: false },
        { group: 'a', isTotal: true, value: 2, secret: false },
      ]).map((c) => c.secret),
    ).toEqual([true, true, true]);
  });
});
