import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { StructureName } from '../../components/names';
import { humanize, label, statusLabels } from '../../labels';
import { ErrorMessage, Loading } from '../../ui';
import { BarChart } from './bar-chart';
import { DataTable } from './data-table';
import { breakKindLabels, formatCount, formatRate } from './figures';
import { csvName, usePilotage } from './pilotage-context';
import { breakListQuery, continuityQuery } from './reporting-api';

/**
 * Journeys that broke: the counts by kind and by receiving structure (reporting), then the referrals one by one,
 * each under the person's pseudonymous reference only, linking to the journey view (which shows a coordinator
 * the steps of its networks, pseudonymized, and records the reading in the audit log).
 */
export function BreaksPage() {
  const pilotage = usePilotage();
  const continuity = useQuery(continuityQuery(pilotage.networkId, pilotage.period));
  if (continuity.isPending) return <Loading what="Chargement des ruptures" />;
  if (continuity.isError) return <ErrorMessage error={continuity.error} />;
  const kinds = Object.entries(continuity.data.breaks)
    .filter(([kind]) => kind !== 'total')
    .map(([kind, count]) => ({ kind, count }));
  return (
    <>
      <p>
        Une rupture est un parcours qui s’arrête sans que la personne ait été aidée : orientation expirée sans réponse, accompagnement en échec, réorientation restée
        sans réponse, refus ou suite proposée sans nouvelle orientation. Total sur la période : <strong>{formatCount(continuity.data.breaks['total'] ?? null)}</strong>.
      </p>
      <BarChart title="Ruptures par nature" bars={kinds.map((k) => ({ label: breakKindLabels[k.kind] ?? humanize(k.kind), value: k.count, shown: formatCount(k.count), tone: 'alert' }))} />
      <DataTable
        caption="Ruptures par nature"
        fileName={csvName('ruptures-par-nature', pilotage)}
        rows={kinds}
        rowKey={(row) => row.kind}
        initialSort={{ key: 'count', descending: true }}
        columns={[
          { key: 'kind', label: 'Rupture', value: (row) => breakKindLabels[row.kind] ?? humanize(row.kind) },
          { key: 'count', label: 'Parcours', value: (row) => row.count, render: (row) => formatCount(row.count), numeric: true },
        ]}
      />
      <h2 className="fr-h4 fr-mt-4w">Sorties par structure destinataire</h2>
      <DataTable
        caption="Sorties du parcours par structure destinataire"
        fileName={csvName('sorties-par-structure', pilotage)}
        rows={continuity.data.byStructure}
        rowKey={(row) => row.structureId}
        initialSort={{ key: 'rate', descending: true }}
        columns={[
          { key: 'name', label: 'Structure', value: (row) => row.name ?? row.structureId },
          { key: 'received', label: 'Reçues', value: (row) => row.received, render: (row) => formatCount(row.received), numeric: true },
          { key: 'left', label: 'Sorties du parcours', value: (row) => row.left, render: (row) => formatCount(row.left), numeric: true },
          { key: 'rate', label: 'Taux de sortie', value: (row) => row.rate, render: (row) => formatRate(row.rate), numeric: true },
        ]}
      />
      <BrokenJourneys />
    </>
  );
}

function BrokenJourneys() {
  const pilotage = usePilotage();
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useQuery(breakListQuery(pilotage.ofStructure ? 'received' : 'network', cursor));
  const rows = (list.data?.items ?? []).filter((r) => {
    const day = r.statusChangedAt.slice(0, 10);
    return (pilotage.ofStructure || r.networkId === pilotage.networkId) && day >= pilotage.period.from && day <= pilotage.period.to;
  });
  return (
    <>
      <h2 className="fr-h4 fr-mt-4w">Parcours à reprendre</h2>
      <p className="fr-text--sm">
        Les orientations de la période terminées sans accompagnement (expirées, en échec, refusées, réorientées), les plus récentes d’abord. La personne n’y est désignée
        que par sa référence Relais : le parcours dit si une nouvelle orientation a suivi.
      </p>
      {list.isPending ? (
        <Loading what="Chargement des parcours" />
      ) : list.isError ? (
        <ErrorMessage error={list.error} title="Liste indisponible" />
      ) : (
        <>
          <DataTable
            caption="Parcours à reprendre"
            fileName={csvName('parcours-a-reprendre', pilotage)}
            rows={rows}
            rowKey={(row) => row.id}
            initialSort={{ key: 'at', descending: true }}
            columns={[
              { key: 'person', label: 'Personne (référence)', value: (row) => row.personReference, render: (row) => <Link to={`/parcours/${row.personReference}`}>{row.personReference}</Link> },
              { key: 'at', label: 'Date', value: (row) => row.statusChangedAt.slice(0, 10) },
              { key: 'status', label: 'Fin', value: (row) => label(statusLabels, row.status) },
              { key: 'structure', label: 'Structure destinataire', value: (row) => row.receivingStructureId, render: (row) => <StructureName id={row.receivingStructureId} /> },
              { key: 'needs', label: 'Besoin', value: (row) => row.needs.map(humanize).join(', ') },
            ]}
          />
          {list.data.nextCursor && (
            <button type="button" className="fr-btn fr-btn--secondary fr-mt-2w" onClick={() => setCursor(list.data.nextCursor)}>
              Orientations plus anciennes
            </button>
          )}
        </>
      )}
    </>
  );
}
