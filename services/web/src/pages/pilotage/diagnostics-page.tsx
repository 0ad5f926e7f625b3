import { useQuery } from '@tanstack/react-query';
import { humanize } from '../../labels';
import { ErrorMessage, Loading } from '../../ui';
import { BarChart } from './bar-chart';
import { DataTable } from './data-table';
import { formatCount } from './figures';
import { csvName, usePilotage } from './pilotage-context';
import { diagnosticQuery, type Count } from './reporting-api';

const entries = (record: Record<string, Count>) => Object.entries(record).map(([code, count]) => ({ code, count }));

/** The territory's profile from the diagnostics made in the network: levels of autonomy, barriers, by commune. */
export function DiagnosticsPage() {
  const pilotage = usePilotage();
  const diagnostic = useQuery(diagnosticQuery(pilotage.networkId, pilotage.period));
  if (diagnostic.isPending) return <Loading what="Chargement des diagnostics" />;
  if (diagnostic.isError) return <ErrorMessage error={diagnostic.error} />;
  const levels = entries(diagnostic.data.levels);
  const barriers = entries(diagnostic.data.barriers);
  const levelCodes = levels.map((l) => l.code);
  return (
    <>
      <p>
        <strong>{formatCount(diagnostic.data.diagnostics)}</strong> diagnostics numériques faits dans le réseau pendant la période, par commune de la personne.
      </p>
      <h2 className="fr-h4 fr-mt-3w">Niveaux</h2>
      <BarChart title="Diagnostics par niveau" bars={levels.map((l) => ({ label: humanize(l.code), value: l.count, shown: formatCount(l.count) }))} />
      <DataTable
        caption="Diagnostics par niveau"
        fileName={csvName('diagnostics-niveaux', pilotage)}
        rows={levels}
        rowKey={(row) => row.code}
        columns={[
          { key: 'level', label: 'Niveau', value: (row) => humanize(row.code) },
          { key: 'count', label: 'Diagnostics', value: (row) => row.count, render: (row) => formatCount(row.count), numeric: true },
        ]}
      />
      <h2 className="fr-h4 fr-mt-4w">Freins relevés</h2>
      <BarChart title="Freins relevés" bars={barriers.map((b) => ({ label: humanize(b.code), value: b.count, shown: formatCount(b.count) }))} />
      <DataTable
        caption="Freins relevés"
        fileName={csvName('diagnostics-freins', pilotage)}
        rows={barriers}
        rowKey={(row) => row.code}
        initialSort={{ key: 'count', descending: true }}
        columns={[
          { key: 'barrier', label: 'Frein', value: (row) => humanize(row.code) },
          { key: 'count', label: 'Diagnostics', value: (row) => row.count, render: (row) => formatCount(row.count), numeric: true },
        ]}
      />
      <h2 className="fr-h4 fr-mt-4w">Par commune</h2>
      <DataTable
        caption="Diagnostics par commune"
        fileName={csvName('diagnostics-communes', pilotage)}
        rows={diagnostic.data.byCommune}
        rowKey={(row) => row.communeCode}
        initialSort={{ key: 'diagnostics', descending: true }}
        columns={[
          { key: 'name', label: 'Commune', value: (row) => row.name ?? row.communeCode },
          { key: 'code', label: 'Code INSEE', value: (row) => row.communeCode },
          { key: 'diagnostics', label: 'Diagnostics', value: (row) => row.diagnostics, render: (row) => formatCount(row.diagnostics), numeric: true },
          ...levelCodes.map((code) => ({
            key: `level-${code}`,
            label: humanize(code),
            value: (row: { levels: Record<string, Count> }) => row.levels[code] ?? null,
            render: (row: { levels: Record<string, Count> }) => formatCount(row.levels[code] ?? null),
            numeric: true,
          })),
        ]}
      />
    </>
  );
}
