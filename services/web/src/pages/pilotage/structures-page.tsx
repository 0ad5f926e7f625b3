import { useQuery } from '@tanstack/react-query';
import { ErrorMessage, Loading } from '../../ui';
import { BarChart } from './bar-chart';
import { DataTable } from './data-table';
import { formatCount, formatHours, formatRate } from './figures';
import { csvName, usePilotage } from './pilotage-context';
import { continuityQuery, structuresQuery } from './reporting-api';

/** A chart of a whole département's structures would be a wall: the busiest ones, the table has them all. */
const CHART_ROWS = 15;

/** Each receiving structure of the network: its load against its declared capacity, its answers and delays. */
export function StructuresPage() {
  const pilotage = usePilotage();
  const structures = useQuery(structuresQuery(pilotage.networkId, pilotage.period));
  const continuity = useQuery(continuityQuery(pilotage.networkId, pilotage.period));
  if (structures.isPending) return <Loading what="Chargement des structures" />;
  if (structures.isError) return <ErrorMessage error={structures.error} />;
  const leftBy = new Map((continuity.data?.byStructure ?? []).map((s) => [s.structureId, s.rate]));
  const rows = structures.data.structures.map((s) => ({
    ...s,
    load: s.received !== null && s.capacityInPeriod ? s.received / s.capacityInPeriod : null,
    leftRate: leftBy.get(s.structureId) ?? null,
  }));
  const over = rows.filter((r) => r.overCapacity === true).length;
  return (
    <>
      <p>
        {rows.length} structure{rows.length > 1 ? 's' : ''} destinataire{rows.length > 1 ? 's' : ''}
        {over > 0 ? `, dont ${over} au-delà de leur capacité déclarée sur la période` : ''}. La capacité est celle que chaque structure déclare (créneaux par
        semaine) rapportée à la durée de la période.
      </p>
      <BarChart
        title={`Charge : orientations reçues rapportées à la capacité déclarée (les ${CHART_ROWS} structures les plus chargées)`}
        bars={rows
          .filter((r) => r.load !== null && r.received !== 0)
          .sort((a, b) => (b.load ?? 0) - (a.load ?? 0))
          .slice(0, CHART_ROWS)
          .map((r) => ({ label: r.name ?? 'Structure', value: r.load === null ? null : Math.round(r.load * 100), shown: formatRate(r.load), tone: r.overCapacity ? 'alert' : 'default' }))}
      />
      <DataTable
        caption="Structures destinataires"
        fileName={csvName('structures', pilotage)}
        rows={rows}
        rowKey={(row) => row.structureId}
        initialSort={{ key: 'received', descending: true }}
        columns={[
          { key: 'name', label: 'Structure', value: (row) => row.name ?? row.structureId },
          { key: 'received', label: 'Reçues', value: (row) => row.received, render: (row) => formatCount(row.received), numeric: true },
          { key: 'capacity', label: 'Capacité sur la période', value: (row) => row.capacityInPeriod, numeric: true },
          { key: 'load', label: 'Charge', value: (row) => (row.load === null ? null : Math.round(row.load * 1000) / 1000), render: (row) => formatRate(row.load), numeric: true },
          { key: 'over', label: 'Au-delà de la capacité', value: (row) => row.overCapacity, render: (row) => (row.overCapacity === null ? 'non déclarée' : row.overCapacity ? 'oui' : 'non') },
          { key: 'accepted', label: 'Acceptées', value: (row) => row.accepted, render: (row) => formatCount(row.accepted), numeric: true },
          { key: 'rejected', label: 'Refusées', value: (row) => row.rejected, render: (row) => formatCount(row.rejected), numeric: true },
          { key: 'rate', label: 'Taux d’acceptation', value: (row) => row.acceptanceRate, render: (row) => formatRate(row.acceptanceRate), numeric: true },
          { key: 'ack', label: 'Accusé de réception, médiane (heures)', value: (row) => row.acknowledgementP50Hours, render: (row) => formatHours(row.acknowledgementP50Hours), numeric: true },
          { key: 'waiting', label: 'Attente déclarée (jours)', value: (row) => row.waitingDays, numeric: true },
          { key: 'left', label: 'Taux de sortie', value: (row) => row.leftRate, render: (row) => formatRate(row.leftRate), numeric: true },
        ]}
      />
    </>
  );
}
