import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useInstance } from '../../auth/agent-context';
import { SelectField } from '../../forms/fields';
import { ErrorMessage, Loading } from '../../ui';
import { termLabel, useVocabularies } from '../../vocabularies';
import { DataTable } from './data-table';
import { formatCount } from './figures';
import { csvName, usePilotage } from './pilotage-context';
import { coverageQuery } from './reporting-api';
import { coverageColours } from './coverage-colours';

// MapLibre is heavy: loaded with this page only.
const CoverageMap = lazy(() => import('./coverage-map'));

/** Where the territory lacks an actor of a role: each commune of the network, reachable or not, and its demand. */
export function CoveragePage() {
  const pilotage = usePilotage();
  const { config } = useInstance();
  const vocabularies = useVocabularies();
  const coverage = useQuery(coverageQuery(pilotage.networkId, pilotage.period));
  const roles = useMemo(() => [...new Set((coverage.data?.communes ?? []).flatMap((c) => c.roles.map((r) => r.role)))], [coverage.data]);
  const [role, setRole] = useState('accompagnement');
  const split = useMemo(() => {
    const covered: string[] = [];
    const uncovered: string[] = [];
    for (const commune of coverage.data?.communes ?? []) (commune.roles.find((r) => r.role === role)?.reachable ? covered : uncovered).push(commune.communeCode);
    return { covered, uncovered };
  }, [coverage.data, role]);
  if (coverage.isPending) return <Loading what="Chargement de la couverture" />;
  if (coverage.isError) return <ErrorMessage error={coverage.error} />;
  const roleName = (code: string) => termLabel(vocabularies.data?.roles, code);
  const summary = roles.map((r) => {
    const reachable = coverage.data.communes.filter((c) => c.roles.find((x) => x.role === r)?.reachable).length;
    return { role: r, reachable, missing: coverage.data.communes.length - reachable };
  });
  const rows = coverage.data.communes.map((c) => ({ ...c, figures: c.roles.find((r) => r.role === role) ?? null }));
  return (
    <>
      <p>
        Une commune est couverte pour un rôle quand un lieu actif d’un service de ce rôle, dans le réseau, se trouve à moins de {coverage.data.radiusKm} km de son
        centre. La demande compte les diagnostics faits et les orientations envoyées depuis la commune pendant la période.
      </p>
      <DataTable
        caption="Couverture par rôle"
        fileName={csvName('couverture-par-role', pilotage)}
        rows={summary}
        rowKey={(row) => row.role}
        columns={[
          { key: 'role', label: 'Rôle', value: (row) => roleName(row.role) },
          { key: 'reachable', label: 'Communes couvertes', value: (row) => row.reachable, numeric: true },
          { key: 'missing', label: 'Communes sans service à portée', value: (row) => row.missing, numeric: true },
        ]}
      />
      <h2 className="fr-h4 fr-mt-4w">Communes, pour un rôle</h2>
      <div className="relais-inline-form">
        <SelectField id="role" label="Rôle" value={role} onChange={setRole} options={roles.map((r) => ({ value: r, label: roleName(r) }))} />
      </div>
      <p className="relais-legend fr-text--sm" aria-hidden="true">
        <span className="relais-swatch" style={{ background: coverageColours.covered }} /> couverte <span className="relais-swatch fr-ml-2w" style={{ background: coverageColours.uncovered }} /> sans
        service à portée
      </p>
      <Suspense fallback={<Loading what="Chargement de la carte" />}>
        <CoverageMap communesUrl={config.map.communesUrl} covered={split.covered} uncovered={split.uncovered} />
      </Suspense>
      <DataTable
        caption={`Communes du réseau : ${roleName(role)}`}
        fileName={csvName(`couverture-${role}`, pilotage)}
        rows={rows}
        rowKey={(row) => row.communeCode}
        initialSort={{ key: 'reachable', descending: false }}
        columns={[
          { key: 'name', label: 'Commune', value: (row) => row.name ?? row.communeCode },
          { key: 'code', label: 'Code INSEE', value: (row) => row.communeCode },
          { key: 'reachable', label: 'Service à portée', value: (row) => row.figures?.reachable ?? false },
          { key: 'nearest', label: 'Lieu le plus proche (km)', value: (row) => row.figures?.nearestKm ?? null, numeric: true },
          { key: 'diagnostics', label: 'Diagnostics', value: (row) => row.diagnostics, render: (row) => formatCount(row.diagnostics), numeric: true },
          { key: 'referrals', label: 'Orientations envoyées', value: (row) => row.referrals, render: (row) => formatCount(row.referrals), numeric: true },
        ]}
      />
    </>
  );
}
