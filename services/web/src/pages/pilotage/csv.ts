/**
 * CSV as French spreadsheets open it without an import dialog: UTF-8 with a byte order mark (Excel
 * otherwise reads Latin-1 and mangles accents), `;` between fields (`,` is the decimal separator in
 * French), decimal commas, CRLF line ends. A withheld figure (fewer than 5 people) is an empty cell.
 */
export type CsvCell = string | number | boolean | null | undefined;

const BOM = '\uFEFF';

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value).replace('.', ',') : typeof value === 'boolean' ? (value ? 'oui' : 'non') : value;
  return /[;"\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return BOM + [header, ...rows].map((row) => row.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

/** Saves the file from the browser: nothing leaves the machine, nothing is asked of the server. */
export function downloadCsv(fileName: string, header: string[], rows: CsvCell[][]): void {
  const url = URL.createObjectURL(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
