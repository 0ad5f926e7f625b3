import { csvCell, toCsv } from './csv';

describe('CSV for French spreadsheets', () => {
  it('starts with a byte order mark, separates with semicolons and ends lines with CRLF', () => {
    const text = toCsv(['Structure', 'Reçues'], [['CCAS de Vannes', 12]]);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1)).toBe('Structure;Reçues\r\nCCAS de Vannes;12\r\n');
  });

  it('writes decimals with a comma, booleans in French and withheld figures as empty cells', () => {
    expect(csvCell(0.375)).toBe('0,375');
    expect(csvCell(true)).toBe('oui');
    expect(csvCell(null)).toBe('');
  });

  it('quotes a field holding a separator, a quote or a line break', () => {
    expect(csvCell('Pays d’Auray; sud')).toBe('"Pays d’Auray; sud"');
    expect(csvCell('Le "Lien"')).toBe('"Le ""Lien"""');
    expect(csvCell('deux\nlignes')).toBe('"deux\nlignes"');
  });
});
