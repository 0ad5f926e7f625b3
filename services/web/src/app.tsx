import { lazy, Suspense } from 'react';
import { matchPath, Route, Routes } from 'react-router';
import { Shell } from './layout/shell';
import { ActionLinkPage } from './pages/action-link-page';
import { DiagnosticPage } from './pages/diagnostic-page';
import { HomePage } from './pages/home-page';
import { InboxPage } from './pages/inbox-page';
import { JourneyPage } from './pages/journey-page';
import { MyStructurePage } from './pages/my-structure-page';
import { NotFoundPage } from './pages/not-found-page';
import { ReferralPage } from './pages/referral-page';
import { SendReferralPage } from './pages/send-referral-page';
import { ServicePage } from './pages/service-page';
import { Loading } from './ui';

// The search page carries the map (MapLibre): loaded when first opened, never with the first page.
const SearchPage = lazy(() => import('./pages/search-page'));
// The coordinators' dashboards (charts, tables, the coverage map): their own chunk too.
const PilotagePages = lazy(() => import('./pages/pilotage/pilotage-pages'));

export function App() {
  return (
    <Shell>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/orientations/recues" element={<InboxPage box="received" />} />
          <Route path="/orientations/envoyees" element={<InboxPage box="sent" />} />
          <Route path="/orientations/:id" element={<ReferralPage />} />
          <Route path="/orienter/:serviceId" element={<SendReferralPage />} />
          <Route path="/annuaire" element={<SearchPage />} />
          <Route path="/annuaire/services/:id" element={<ServicePage />} />
          <Route path="/diagnostic" element={<DiagnosticPage />} />
          <Route path="/parcours" element={<JourneyPage />} />
          <Route path="/parcours/:personReference" element={<JourneyPage />} />
          <Route path="/ma-structure" element={<MyStructurePage />} />
          <Route path="/pilotage/*" element={<PilotagePages />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}

/** The pages that need no account: an action link from a mail stands for the receiving structure on one referral. */
const publicPaths = ['/orientations/lien/:token'];
export const isPublicPath = (pathname: string): boolean => publicPaths.some((pattern) => matchPath(pattern, pathname) !== null);

export function PublicApp() {
  return (
    <Shell>
      <Routes>
        <Route path="/orientations/lien/:token" element={<ActionLinkPage />} />
      </Routes>
    </Shell>
  );
}
