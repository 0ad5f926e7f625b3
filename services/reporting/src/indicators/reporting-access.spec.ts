import { DomainError } from '@relais/platform';
import { checkPeriod } from './indicators.service';
import { rate, shownCount, shownFigure, type ReportingScope } from './reporting-access';

const coordinator: ReportingScope = { networkId: 'n', networkName: 'N', structureId: null, ownStructure: false };
const ownStructure: ReportingScope = { ...coordinator, structureId: 's', ownStructure: true };

describe('small figures', () => {
  it('withholds counts from 1 to 4 from everyone but the structure itself, and shows 0 and 5', () => {
    expect([0, 1, 4, 5, 12].map((n) => shownCount(n, coordinator))).toEqual([0, null, null, 5, 12]);
    expect([0, 1, 4, 5].map((n) => shownCount(n, ownStructure))).toEqual([0, 1, 4, 5]);
  });

  it('withholds a rate or a delay computed on fewer than 5, and has none on nothing', () => {
    expect(shownFigure(0.5, 4, coordinator)).toBeNull();
    expect(shownFigure(0.5, 4, ownStructure)).toBe(0.5);
    expect(shownFigure(0.5, 5, coordinator)).toBe(0.5);
    expect(shownFigure(null, 10, coordinator)).toBeNull();
    expect(rate(1, 0)).toBeNull();
    expect(rate(1, 3)).toBe(0.333);
  });
});

describe('periods', () => {
  it('counts both ends and refuses reversed, overlong or impossible periods', () => {
    expect(checkPeriod('2026-11-01', '2026-11-30')).toBe(30);
    expect(checkPeriod('2026-11-01', '2026-11-01')).toBe(1);
    expect(() => checkPeriod('2026-11-02', '2026-11-01')).toThrow(DomainError);
    expect(() => checkPeriod('2025-01-01', '2026-01-02')).toThrow(DomainError);
    expect(() => checkPeriod('2026-02-30', '2026-03-01')).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'from' })] }) as Error);
  });
});
