import './pilotage.css';
import { Navigate, Route, Routes } from 'react-router';
import { Empty, Loading, PageTitle } from '../../ui';
import { BreaksPage } from './breaks-page';
import { CoveragePage } from './coverage-page';
import { DiagnosticsPage } from './diagnostics-page';
import { OverviewPage } from './overview-page';
import { PilotageLayout, useReadableNetworks } from './pilotage-layout';
import { StructuresPage } from './structures-page';

/** `/pilotage/…`: the coordinators' dashboards (issue 14), loaded on first visit only. */
export default function PilotagePages() {
  return (
    <Routes>
      <Route index element={<PilotageStart />} />
      <Route
        path=":networkId/*"
        element={
          <PilotageLayout>
            {(pilotage) => (
              <Routes>
                <Route index element={<OverviewPage />} />
                <Route path="structures" element={<StructuresPage />} />
                <Route path="ruptures" element={<BreaksPage />} />
                {!pilotage.ofStructure && <Route path="couverture" element={<CoveragePage />} />}
                {!pilotage.ofStructure && <Route path="diagnostics" element={<DiagnosticsPage />} />}
                <Route path="*" element={<Empty>Cette page du pilotage n’existe pas.</Empty>} />
              </Routes>
            )}
          </PilotageLayout>
        }
      />
    </Routes>
  );
}

/** `/pilotage`: straight to the account's network (its first, alphabetically, when it reads several). */
function PilotageStart() {
  const { networks, readable } = useReadableNetworks();
  if (networks.isPending) return <Loading what="Chargement des réseaux" />;
  const first = readable[0];
  if (first) return <Navigate replace to={`/pilotage/${first.id}`} />;
  return (
    <>
      <PageTitle text="Pilotage" />
      <Empty>Votre compte n’est rattaché à aucun réseau local : il n’a pas de tableau de bord.</Empty>
    </>
  );
}
