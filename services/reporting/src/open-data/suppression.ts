/**
 * Statistical disclosure control for the open data (docs/reporting.md, « Secret statistique »).
 *
 * Cells are grouped by what is published as their sum: the communes of one (month, network, indicator) with
 * that group's total (commune empty). Primary suppression hides every value from 1 to 4. Secondary suppression
 * then makes sure no hidden value can be worked out from the total and the published cells: in each group the
 * hidden cells are never alone, and never all 1s (a hidden sum equal to the number of hidden cells would give
 * each away, since a hidden cell is at least 1 — absent rows are zeros, zeros are never hidden). The next smallest
 * published cell is hidden until that holds; when none is left, the total is hidden too.
 */
export const PRIMARY_THRESHOLD = 5;

export interface Cell {
  /** The cells sharing a total; the total itself is the cell with `isTotal`. */
  group: string;
  isTotal: boolean;
  value: number;
  secret: boolean;
}

export function suppress<C extends Omit<Cell, 'secret'>>(cells: C[]): Array<C & { secret: boolean }> {
  const result = cells.map((cell) => ({ ...cell, secret: cell.value > 0 && cell.value < PRIMARY_THRESHOLD }));
  const groups = new Map<string, Array<C & { secret: boolean }>>();
  for (const cell of result) {
    const members = groups.get(cell.group) ?? [];
    members.push(cell);
    groups.set(cell.group, members);
  }
  for (const members of groups.values()) {
    const total = members.find((cell) => cell.isTotal);
    const parts = members.filter((cell) => !cell.isTotal);
    // A total hidden while every part is published would be their sum: the parts that make it up go too.
    if (total?.secret) {
      for (const part of parts) if (part.value > 0) part.secret = true;
      continue;
    }
    if (!total) continue;
    for (;;) {
      const hidden = parts.filter((cell) => cell.secret);
      const hiddenSum = hidden.reduce((sum, cell) => sum + cell.value, 0);
      if (hidden.length === 0 || (hidden.length >= 2 && hiddenSum > hidden.length)) break;
      const next = parts.filter((cell) => !cell.secret && cell.value > 0).sort((a, b) => a.value - b.value)[0];
      if (next) {
        next.secret = true;
      } else {
        total.secret = true;
        break;
      }
    }
  }
  return result;
}

/**
 * What someone holding the published file can say of each hidden cell of a group: the values it could take,
 * given the total (when published), the published cells, and that hidden cells are at least 1. Used by the
 * property tests; `null` means unbounded (no published total constrains it).
 */
export function possibleValues(cells: Cell[], hiddenIndex: number): { min: number; max: number | null } {
  const target = cells[hiddenIndex];
  if (!target?.secret) throw new Error('possibleValues: not a hidden cell');
  const total = cells.find((cell) => cell.isTotal);
  if (target.isTotal) {
    const parts = cells.filter((cell) => !cell.isTotal);
    const anyHidden = parts.some((cell) => cell.secret && cell.value > 0);
    const published = parts.filter((cell) => !cell.secret).reduce((sum, cell) => sum + cell.value, 0);
    return anyHidden ? { min: published + parts.filter((c) => c.secret).length, max: null } : { min: published, max: published };
  }
  if (!total || total.secret) return { min: 1, max: null };
  const parts = cells.filter((cell) => !cell.isTotal);
  const published = parts.filter((cell) => !cell.secret).reduce((sum, cell) => sum + cell.value, 0);
  const otherHidden = parts.filter((cell) => cell.secret && cell !== target).length;
  const remaining = total.value - published;
  return { min: 1, max: remaining - otherHidden };
}
