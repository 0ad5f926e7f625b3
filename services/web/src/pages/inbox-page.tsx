import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { listReferrals, type Box } from '../api/referral';
import { ReferralTable } from '../components/referral-table';
import { referralStatuses, statusLabels } from '../labels';
import { Empty, ErrorMessage, Loading, PageTitle } from '../ui';

/** `statut=a-traiter` (the home page's link) stands for the statuses that wait for the receiver. */
const presets: Record<string, string[]> = { 'a-traiter': ['requested', 'received', 'accepted'], 'en-cours': ['in-progress', 'on-hold'] };

export function InboxPage({ box }: { box: Box }) {
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('statut') ?? '';
  const status = presets[statusParam] ?? (statusParam ? [statusParam] : []);
  const overdue = params.get('retard') === '1';
  // Cursor paging: the stack of cursors that led to the current page, so "previous" is exact.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useQuery({
    queryKey: ['inbox', box, status.join(','), overdue, cursor],
    queryFn: () => listReferrals(box, { status, overdue }, cursor),
    placeholderData: keepPreviousData,
  });
  const title = box === 'received' ? 'Orientations reçues' : 'Orientations envoyées';

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setCursors([null]);
  };

  return (
    <>
      <PageTitle text={title} />
      <form className="relais-filters" aria-label="Filtres" onSubmit={(event) => event.preventDefault()}>
        <div className="fr-select-group">
          <label className="fr-label" htmlFor="filtre-statut">
            Statut
          </label>
          <select id="filtre-statut" className="fr-select" value={statusParam} onChange={(event) => setFilter('statut', event.target.value)}>
            <option value="">Tous les statuts</option>
            <option value="a-traiter">À traiter (envoyée, reçue, acceptée)</option>
            <option value="en-cours">En cours (accompagnement, en attente)</option>
            {referralStatuses.map((code) => (
              <option key={code} value={code}>
                {statusLabels[code]}
              </option>
            ))}
          </select>
        </div>
        <div className="fr-checkbox-group relais-filter-check">
          <input type="checkbox" id="filtre-retard" checked={overdue} onChange={(event) => setFilter('retard', event.target.checked ? '1' : '')} />
          <label className="fr-label" htmlFor="filtre-retard">
            En retard seulement
          </label>
        </div>
      </form>
      {page.isPending ? (
        <Loading />
      ) : page.isError ? (
        <ErrorMessage error={page.error} />
      ) : page.data.items.length === 0 ? (
        <Empty>{status.length || overdue ? 'Aucune orientation ne correspond à ces filtres.' : box === 'received' ? 'Votre structure n’a encore reçu aucune orientation.' : 'Votre structure n’a encore envoyé aucune orientation.'}</Empty>
      ) : (
        <>
          <ReferralTable items={page.data.items} box={box} caption={title} />
          <nav className="relais-pager" aria-label="Pages">
            <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" disabled={cursors.length <= 1} onClick={() => setCursors((stack) => stack.slice(0, -1))}>
              Page précédente
            </button>
            <span aria-live="polite">Page {cursors.length}</span>
            <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" disabled={!page.data.nextCursor} onClick={() => setCursors((stack) => [...stack, page.data.nextCursor])}>
              Page suivante
            </button>
          </nav>
        </>
      )}
    </>
  );
}
