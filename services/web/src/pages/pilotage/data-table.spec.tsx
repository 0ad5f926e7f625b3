import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataTable } from './data-table';

interface Row {
  name: string;
  received: number | null;
}

const rows: Row[] = [
  { name: 'CCAS de Lorient', received: 12 },
  { name: 'Association Le Lien', received: null },
  { name: 'Médiathèque de Ploërmel', received: 30 },
];

const firstColumn = () =>
  within(screen.getByRole('table'))
    .getAllByRole('rowheader')
    .map((cell) => cell.textContent);

describe('DataTable', () => {
  it('sorts by a column from its header, says the order to screen readers, and keeps withheld figures last', async () => {
    const user = userEvent.setup();
    render(
      <DataTable
        caption="Structures"
        fileName="structures.csv"
        rows={rows}
        rowKey={(row) => row.name}
        columns={[
          { key: 'name', label: 'Structure', value: (row) => row.name },
          { key: 'received', label: 'Reçues', value: (row) => row.received, render: (row) => (row.received === null ? '< 5' : String(row.received)), numeric: true },
        ]}
      />,
    );
    expect(firstColumn()).toEqual(['CCAS de Lorient', 'Association Le Lien', 'Médiathèque de Ploërmel']);
    await user.click(screen.getByRole('button', { name: 'Reçues' }));
    expect(screen.getByRole('columnheader', { name: 'Reçues' }).getAttribute('aria-sort')).toBe('descending');
    expect(firstColumn()).toEqual(['Médiathèque de Ploërmel', 'CCAS de Lorient', 'Association Le Lien']);
    await user.click(screen.getByRole('button', { name: 'Reçues' }));
    expect(screen.getByRole('columnheader', { name: 'Reçues' }).getAttribute('aria-sort')).toBe('ascending');
    expect(firstColumn()).toEqual(['CCAS de Lorient', 'Médiathèque de Ploërmel', 'Association Le Lien']);
    expect(screen.getByRole('columnheader', { name: 'Structure' }).getAttribute('aria-sort')).toBe('none');
    expect(screen.getByText('< 5')).toBeTruthy();
  });
});
