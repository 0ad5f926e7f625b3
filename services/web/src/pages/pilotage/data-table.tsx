import { useMemo, useState, type ReactNode } from 'react';
import { downloadCsv, type CsvCell } from './csv';

export interface Column<Row> {
  key: string;
  label: string;
  /** The cell's value: what sorting compares and what the CSV holds (null: withheld or unknown). */
  value: (row: Row) => CsvCell;
  /** The cell as shown, when it differs from the value (a link, a unit, « < 5 »). */
  render?: (row: Row) => ReactNode;
  numeric?: boolean;
}

type Sort = { key: string; descending: boolean } | null;

/**
 * A table of figures with its caption, sortable by any column (buttons in the headers, `aria-sort` said to
 * screen readers) and exported as CSV as shown (sorted). Every chart of the pilotage pages has one: the
 * table is the accessible form of the chart, and what a coordinator pastes into a report.
 */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  fileName,
  sortable = true,
  initialSort = null,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  fileName: string;
  sortable?: boolean;
  initialSort?: Sort;
}) {
  const [sort, setSort] = useState<Sort>(initialSort);
  const sorted = useMemo(() => {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!sort || !column) return rows;
    return [...rows].sort((a, b) => {
      const [x, y] = [column.value(a), column.value(b)];
      // Withheld figures (null) go last whichever the direction: they are not the smallest nor the largest.
      if (x === null || x === undefined || y === null || y === undefined) return Number(x === null || x === undefined) - Number(y === null || y === undefined);
      const order = compare(x, y);
      return sort.descending ? -order : order;
    });
  }, [rows, columns, sort]);
  const toggle = (key: string) => setSort((current) => (current?.key === key ? { key, descending: !current.descending } : { key, descending: columns.find((c) => c.key === key)?.numeric ?? false }));
  const exportCsv = () =>
    downloadCsv(
      fileName,
      columns.map((c) => c.label),
      sorted.map((row) => columns.map((c) => c.value(row))),
    );
  return (
    <div className="relais-data-table">
      <div className="fr-table fr-table--no-caption fr-mb-1w" role="region" aria-label={caption} tabIndex={0}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => {
                const state = sort?.key === column.key ? (sort.descending ? 'descending' : 'ascending') : undefined;
                return (
                  <th key={column.key} scope="col" aria-sort={sortable ? (state ?? 'none') : undefined} className={column.numeric ? 'relais-numeric' : undefined}>
                    {sortable ? (
                      <button type="button" className="relais-sort" onClick={() => toggle(column.key)}>
                        {column.label}
                        <span aria-hidden="true" className="relais-sort-mark">
                          {state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ' ↕'}
                        </span>
                      </button>
                    ) : (
                      column.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.length === 0 ? (
              <tr>
                <td colSpan={columns.length}>Aucune donnée pour cette période.</td>
              </tr>
            ) : (
              sorted.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((column, index) => {
                    const content = column.render ? column.render(row) : shown(column.value(row));
                    return index === 0 ? (
                      <th key={column.key} scope="row">
                        {content}
                      </th>
                    ) : (
                      <td key={column.key} className={column.numeric ? 'relais-numeric' : undefined}>
                        {content}
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <button type="button" className="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-download-line fr-btn--icon-left" onClick={exportCsv}>
        Télécharger « {caption} » (CSV)
      </button>
    </div>
  );
}

function shown(value: CsvCell): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  return typeof value === 'number' ? new Intl.NumberFormat('fr-FR').format(value) : value;
}

function compare(a: string | number | boolean, b: string | number | boolean): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'fr');
}
