import { useQuery } from '@tanstack/react-query';
import { ErrorMessage, Loading } from '../../ui';
import { BarChart } from './bar-chart';
import { DataTable } from './data-table';
import { breakKindLabels, formatCount, formatHours, formatRate, measureLabels, stageLabels } from './figures';
import { humanize, label, reasonLabels, autonomyLabels } from '../../labels';
import { periodPresets } from './period';
import { csvName, usePilotage } from './pilotage-context';
import { continuityQuery, delaysQuery, funnelQuery, type DelayFigures } from './reporting-api';

const mainStages = ['requested', 'received', 'accepted', 'in-progress', 'completed'];
const exitStages = ['rejected', 'redirected', 'cancelled', 'expired', 'failed'];

/** The network at a glance: the funnel, delays, what is overdue now, breaks this month, where people leave. */
export function OverviewPage() {
  const pilotage = usePilotage();
  const { networkId, period } = pilotage;
  const funnel = useQuery(funnelQuery(networkId, period));
  const delays = useQuery(delaysQuery(networkId, period));
  const continuity = useQuery(continuityQuery(networkId, period));
  const thisMonth = periodPresets(new Date())[0]?.period ?? period;
  const monthBreaks = useQuery(continuityQuery(networkId, thisMonth));

  if (funnel.isPending || delays.isPending || continuity.isPending) return <Loading what="Chargement des chiffres" />;
  if (funnel.isError) return <ErrorMessage error={funnel.error} />;
  if (delays.isError) return <ErrorMessage error={delays.error} />;
  if (continuity.isError) return <ErrorMessage error={continuity.error} />;

  const stages = funnel.data.stages;
  // From the API, not from the funnel: a withheld count of refusals does not withhold a rate computed on enough answers.
  const acceptance = continuity.data.acceptanceRate;
  const stageRows = [...mainStages, ...exitStages].map((stage) => ({ stage, count: stages[stage] ?? null }));
  const measures: Array<[string, DelayFigures]> = Object.entries(delays.data.measures);

  return (
    <>
      <ul className="relais-counters" aria-label="Chiffres clés">
        <li className="relais-counter">
          <span className="relais-counter-value">{formatCount(stages['requested'] ?? null)}</span> orientations reçues par le réseau
        </li>
        <li className="relais-counter">
          <span className="relais-counter-value">{formatRate(acceptance)}</span> d’acceptation
        </li>
        <li className="relais-counter relais-counter--alert">
          <span className="relais-counter-value">{formatCount(delays.data.overdueNow)}</span> en retard maintenant
        </li>
        <li className="relais-counter relais-counter--alert">
          <span className="relais-counter-value">{monthBreaks.data ? formatCount(monthBreaks.data.breaks['total'] ?? null) : '…'}</span> ruptures ce mois-ci
        </li>
      </ul>

      <h2 className="fr-h4 fr-mt-4w">Entonnoir des orientations</h2>
      <p className="fr-text--sm">Orientations ayant atteint chaque statut dans la période, attribuées au réseau du service destinataire. « &lt; 5 » : chiffre masqué car calculé sur moins de 5 personnes.</p>
      <BarChart
        title="Orientations par statut atteint"
        bars={stageRows.map((row) => ({ label: stageLabels[row.stage] ?? row.stage, value: row.count, shown: formatCount(row.count), tone: exitStages.includes(row.stage) ? 'alert' : 'default' }))}
      />
      <DataTable
        caption="Entonnoir : orientations par statut"
        fileName={csvName('entonnoir', pilotage)}
        rows={stageRows}
        rowKey={(row) => row.stage}
        sortable={false}
        columns={[
          { key: 'stage', label: 'Statut atteint', value: (row) => stageLabels[row.stage] ?? row.stage },
          { key: 'code', label: 'Code', value: (row) => row.stage },
          { key: 'count', label: 'Orientations', value: (row) => row.count, render: (row) => formatCount(row.count), numeric: true },
        ]}
      />

      <h2 className="fr-h4 fr-mt-4w">Délais</h2>
      <p className="fr-text--sm">Depuis l’envoi de l’orientation : médiane (la moitié des orientations a attendu moins) et 9e décile (9 sur 10 ont attendu moins).</p>
      <BarChart
        title="Délai médian par étape"
        bars={measures.map(([measure, figures]) => ({ label: measureLabels[measure] ?? measure, value: figures.p50Hours, shown: formatHours(figures.p50Hours) }))}
      />
      <DataTable
        caption="Délais par étape"
        fileName={csvName('delais', pilotage)}
        rows={measures.map(([measure, figures]) => ({ measure, ...figures }))}
        rowKey={(row) => row.measure}
        sortable={false}
        columns={[
          { key: 'measure', label: 'Jusqu’à', value: (row) => measureLabels[row.measure] ?? row.measure },
          { key: 'count', label: 'Orientations mesurées', value: (row) => row.count, render: (row) => formatCount(row.count), numeric: true },
          { key: 'p50', label: 'Médiane (heures)', value: (row) => row.p50Hours, render: (row) => formatHours(row.p50Hours), numeric: true },
          { key: 'p90', label: '9e décile (heures)', value: (row) => row.p90Hours, render: (row) => formatHours(row.p90Hours), numeric: true },
          { key: 'sla', label: 'Dans le délai du réseau', value: (row) => row.withinSlaShare, render: (row) => formatRate(row.withinSlaShare), numeric: true },
        ]}
      />

      <h2 className="fr-h4 fr-mt-4w">Où les personnes quittent le parcours</h2>
      <BarChart
        title="Taux de sortie par étape"
        bars={continuity.data.dropOff.map((step) => ({ label: stageLabels[step.step] ?? step.step, value: step.rate === null ? null : Math.round(step.rate * 100), shown: formatRate(step.rate), tone: 'alert' }))}
      />
      <DataTable
        caption="Sorties par étape"
        fileName={csvName('sorties-par-etape', pilotage)}
        rows={continuity.data.dropOff}
        rowKey={(row) => row.step}
        sortable={false}
        columns={[
          { key: 'step', label: 'Étape', value: (row) => stageLabels[row.step] ?? row.step },
          { key: 'reached', label: 'Atteinte', value: (row) => row.reached, render: (row) => formatCount(row.reached), numeric: true },
          { key: 'left', label: 'Sorties à cette étape', value: (row) => row.left, render: (row) => formatCount(row.left), numeric: true },
          { key: 'rate', label: 'Taux de sortie', value: (row) => row.rate, render: (row) => formatRate(row.rate), numeric: true },
        ]}
      />

      <div className="fr-grid-row fr-grid-row--gutters fr-mt-2w">
        <div className="fr-col-12 fr-col-md-6">
          <h2 className="fr-h5">Ruptures de continuité</h2>
          <DataTable
            caption="Ruptures par nature"
            fileName={csvName('ruptures', pilotage)}
            rows={Object.entries(continuity.data.breaks).map(([kind, count]) => ({ kind, count }))}
            rowKey={(row) => row.kind}
            sortable={false}
            columns={[
              { key: 'kind', label: 'Rupture', value: (row) => breakKindLabels[row.kind] ?? humanize(row.kind) },
              { key: 'count', label: 'Parcours', value: (row) => row.count, render: (row) => formatCount(row.count), numeric: true },
            ]}
          />
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <h2 className="fr-h5">Autonomie à la fin de l’accompagnement</h2>
          <DataTable
            caption="Autonomie gagnée"
            fileName={csvName('autonomie', pilotage)}
            rows={Object.entries(continuity.data.autonomy).map(([outcome, count]) => ({ outcome, count }))}
            rowKey={(row) => row.outcome}
            columns={[
              { key: 'outcome', label: 'Autonomie', value: (row) => (row.outcome === 'non-renseigne' ? 'Non renseignée' : label(autonomyLabels, row.outcome)) },
              { key: 'count', label: 'Accompagnements', value: (row) => row.count, render: (row) => formatCount(row.count), numeric: true },
            ]}
          />
          <h2 className="fr-h5 fr-mt-2w">Motifs de refus</h2>
          <DataTable
            caption="Motifs de refus"
            fileName={csvName('motifs-de-refus', pilotage)}
            rows={Object.entries(continuity.data.refusalReasons).map(([reason, count]) => ({ reason, count }))}
            rowKey={(row) => row.reason}
            columns={[
              { key: 'reason', label: 'Motif', value: (row) => label(reasonLabels, row.reason) },
              { key: 'count', label: 'Refus', value: (row) => row.count, render: (row) => formatCount(row.count), numeric: true },
            ]}
          />
        </div>
      </div>
    </>
  );
}
