import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { ActionLinkView } from '../api/action-link';
import type { ReferralDetail } from '../api/referral';
import { ActionLinkPage } from './action-link-page';

const token = 'eyJyaWQiOiJhIn0.c2lnbmF0dXJl';

const referral: ReferralDetail = {
  id: '0d6c3a52-7f1b-4f55-9d53-4a4d8c1f2a10',
  personReference: 'p-aaaaaaaaaaaaaaaaaaaaaaaaaa',
  status: 'requested',
  urgency: 'urgent',
  needs: ['numerique--acceder-a-des-services-en-ligne'],
  sendingStructureId: 's-caf',
  receivingServiceId: 'svc-kercado',
  receivingStructureId: 's-kercado',
  networkId: null,
  previousReferralId: null,
  createdAt: '2026-12-01T09:00:00Z',
  statusChangedAt: '2026-12-01T09:00:00Z',
  deadlines: { acknowledgeDueAt: '2026-12-03T09:00:00Z', firstContactDueAt: '2026-12-08T09:00:00Z', expiresAt: '2026-12-31T09:00:00Z', acknowledgedAt: null, firstContactAt: null, overdue: false },
  personErased: false,
  view: 'full',
  person: { reference: 'p-aaaaaaaaaaaaaaaaaaaaaaaaaa', contactPreference: 'phone', firstName: 'Anne', lastName: 'Le Gall', phone: '06 12 34 56 78', email: null },
  reason: 'Déclarer ses ressources en ligne.',
  assessmentId: null,
  consent: { scope: ['contact', 'reason'], method: 'oral', sharedWith: 'receiver', obtainedAt: '2026-12-01T09:00:00Z', obtainedBy: 'agent', expiresAt: null, revokedAt: null, active: true },
  outcome: null,
  history: [{ from: 'requested', to: 'requested', at: '2026-12-01T09:00:00Z', by: { party: 'sender', role: 'agent', structureId: null, subject: 'x' }, reasonCode: null, redirectedToReferralId: null }],
  allowedTransitions: ['received', 'accepted', 'rejected', 'redirected'],
};

const reasonCodes = { rejected: ['hors-perimetre', 'autre'], redirected: ['service-plus-adapte', 'autre'], failed: [], 'on-hold': [] };
const open: ActionLinkView = { state: 'open', expiresAt: '2026-12-31T09:00:00Z', referralId: referral.id, structureId: 's-kercado', referral, outcome: null, allowedTransitions: referral.allowedTransitions, reasonCodes };
const closed: ActionLinkView = {
  ...open,
  state: 'closed',
  referral: null,
  allowedTransitions: [],
  outcome: { status: 'rejected', at: '2026-12-02T10:00:00Z', by: 'receiver', reasonCode: 'hors-perimetre', redirectedToReferralId: null },
};

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A stand-in for the referral API (unit level: the e2e drives the real one): answers per path, records each call. */
function fakeApi(answer: (call: Call) => { status: number; body?: unknown }): Call[] {
  const calls: Call[] = [];
  global.fetch = jest.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = { url: typeof input === 'string' ? input : 'url' in input ? input.url : input.href, method: init?.method ?? 'GET', headers: (init?.headers ?? {}) as Record<string, string>, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined };
    calls.push(call);
    const { status, body } = answer(call);
    const type = status >= 400 ? 'application/problem+json' : 'application/json';
    return Promise.resolve({ ok: status < 400, status, headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? type : null) }, json: () => Promise.resolve(body) } as unknown as Response);
  });
  return calls;
}

function renderPage() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[`/orientations/lien/${token}`]}>
        <Routes>
          <Route path="/orientations/lien/:token" element={<ActionLinkPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const directory = (call: Call) => {
  if (call.url.startsWith('/api/directory/v1/vocabularies')) return { status: 200, body: { thematiques: [{ value: 'numerique--acceder-a-des-services-en-ligne', label: 'Accéder à des services en ligne' }], typesServices: [], publics: [], frais: [], modesAccueil: [], modesMobilisation: [], roles: [] } };
  if (call.url.startsWith('/api/directory/v1/structures/')) return { status: 200, body: { id: 's-caf', name: 'CAF du Morbihan' } };
  if (call.url.startsWith('/api/directory/v1/services/')) return { status: 200, body: { id: 'svc-kercado', name: 'Point numérique', structure: { name: 'Centre social de Kercado' } } };
  return null;
};

describe('ActionLinkPage', () => {
  afterEach(() => document.head.querySelectorAll('meta[name="referrer"]').forEach((meta) => meta.remove()));

  it('shows the referral as the receiver sees it, sends no credential but the token, and asks no referrer', async () => {
    const calls = fakeApi((call) => directory(call) ?? { status: 200, body: open });
    renderPage();
    await screen.findByRole('heading', { level: 1, name: 'Une orientation pour votre structure' });
    expect(document.head.querySelector('meta[name="referrer"]')?.getAttribute('content')).toBe('no-referrer');
    expect(await screen.findByText('Accéder à des services en ligne')).toBeTruthy();
    expect(await screen.findByText(/CAF du Morbihan/)).toBeTruthy();
    expect(screen.getByText('Anne Le Gall')).toBeTruthy();
    expect(screen.getByText('06 12 34 56 78')).toBeTruthy();
    expect(screen.getByText('Déclarer ses ressources en ligne.')).toBeTruthy();
    const actions = within(screen.getByRole('region', { name: 'Répondre' }));
    expect(actions.getAllByRole('button').map((button) => button.textContent)).toEqual(['Accuser réception', 'Accepter', 'Refuser', 'Réorienter']);
    const link = calls.find((call) => call.url.startsWith('/api/referral/'));
    expect(link?.url).toBe(`/api/referral/v1/links/${token}`);
    expect(calls.every((call) => !('authorization' in call.headers))).toBe(true);
  });

  it('refuses with a reason from the link\'s list, then shows what happened', async () => {
    const user = userEvent.setup();
    let state: ActionLinkView = open;
    const calls = fakeApi((call) => {
      if (call.method === 'POST') {
        state = closed;
        return { status: 200, body: { status: 'rejected', allowedTransitions: [] } };
      }
      return directory(call) ?? { status: 200, body: state };
    });
    renderPage();
    await user.click(await screen.findByRole('button', { name: 'Refuser' }));
    await user.click(screen.getByRole('button', { name: 'Confirmer : Refuser' }));
    expect(screen.getByText('Choisissez un motif.')).toBeTruthy();
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['Choisir un motif', 'Hors du périmètre du service', 'Autre (préciser en commentaire)']);
    await user.selectOptions(screen.getByLabelText(/Motif/), 'hors-perimetre');
    await user.click(screen.getByRole('button', { name: 'Confirmer : Refuser' }));
    await screen.findByRole('heading', { level: 1, name: 'Cette orientation est terminée' });
    expect(screen.getByText('Refusée')).toBeTruthy();
    expect(screen.getByText(/Hors du périmètre du service/)).toBeTruthy();
    expect(screen.queryByText('Anne Le Gall')).toBeNull();
    const post = calls.find((call) => call.method === 'POST');
    expect(post).toMatchObject({ url: `/api/referral/v1/links/${token}/transitions`, body: { status: 'rejected', reasonCode: 'hors-perimetre' } });
  });

  it('says in words that a link no longer works, never a blank page or a raw error', async () => {
    fakeApi((call) => directory(call) ?? { status: 404, body: { status: 404, detail: 'Ce lien d’action n’est pas (ou plus) valable.' } });
    renderPage();
    await screen.findByRole('heading', { level: 1, name: 'Ce lien n’est plus valable' });
    expect(screen.getByText(/demandez un nouveau lien/)).toBeTruthy();
  });

  it('shows a link used after the end as what happened', async () => {
    fakeApi((call) => directory(call) ?? { status: 200, body: { ...closed, outcome: { status: 'redirected', at: '2026-12-02T10:00:00Z', by: 'receiver', reasonCode: 'service-plus-adapte', redirectedToReferralId: 'x' } } });
    renderPage();
    await screen.findByRole('heading', { level: 1, name: 'Cette orientation est terminée' });
    expect(screen.getByText('Réorientée')).toBeTruthy();
    expect(screen.getByText(/orientée vers un autre service/)).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
