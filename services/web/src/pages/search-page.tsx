import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { lieuQuery, searchServices, type SearchFilters } from '../api/directory';
import { useInstance } from '../auth/agent-context';
import { emptySearchForm, SearchFiltersForm, textFilterKeys, toSearchFilters, type SearchFormValues } from '../forms/search-filters-form';
import { Empty, ErrorMessage, Loading, PageTitle } from '../ui';
import { searchFilterOptions, termLabel, useVocabularies } from '../vocabularies';
import type { MapPoint } from '../map/offline-map';

const OfflineMap = lazy(() => import('../map/offline-map'));

/** The filters as the page's address keeps them (a search can be bookmarked and shared). */
const addressKeys = { thematique: 'thematique', role: 'role', commune: 'commune', radiusKm: 'rayon', modeAccueil: 'accueil', public: 'public', language: 'langue', q: 'q' } as const;

function formFromAddress(params: URLSearchParams): SearchFormValues {
  const values: SearchFormValues = { ...emptySearchForm, openNow: params.get('ouvert') === '1', acceptsReferrals: params.get('relais') === '1' };
  for (const key of textFilterKeys) values[key] = params.get(addressKeys[key]) ?? emptySearchForm[key];
  return values;
}

function addressOf(values: SearchFormValues): URLSearchParams {
  const filters = toSearchFilters(values);
  const next = new URLSearchParams();
  for (const key of textFilterKeys) if (filters[key]) next.set(addressKeys[key], filters[key]);
  if (filters.openNow) next.set('ouvert', '1');
  if (filters.acceptsReferrals) next.set('relais', '1');
  return next;
}

/** Directory search: the filters are in the address (a search can be bookmarked and shared), results as a list and on the map. */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const { config } = useInstance();
  const vocabularies = useVocabularies();
  const initial = useMemo(() => formFromAddress(params), [params]);
  const applied: SearchFilters = useMemo(() => toSearchFilters(initial), [initial]);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [view, setView] = useState<'liste' | 'carte'>('liste');
  const cursor = cursors[cursors.length - 1] ?? null;
  const results = useQuery({ queryKey: ['search', applied, cursor], queryFn: () => searchServices(applied, cursor), placeholderData: keepPreviousData });
  const lieuIds = [...new Set((results.data?.items ?? []).map((hit) => hit.nearestLieu?.id).filter((id): id is string => Boolean(id)))];
  const lieux = useQueries({ queries: view === 'carte' ? lieuIds.map((id) => lieuQuery(id)) : [] });
  const points: MapPoint[] = (results.data?.items ?? []).flatMap((hit) => {
    const lieu = lieux.find((query) => query.data?.id === hit.nearestLieu?.id)?.data;
    return lieu?.latitude != null && lieu.longitude != null ? [{ id: hit.id, name: hit.name, latitude: lieu.latitude, longitude: lieu.longitude, full: hit.capacity?.full ?? false }] : [];
  });

  const search = (values: SearchFormValues) => {
    setParams(addressOf(values));
    setCursors([null]);
  };
  const prefill = (serviceId: string, thematiques: string[]) => {
    const need = applied.thematique && applied.thematique.includes('--') ? applied.thematique : thematiques[0];
    return `/orienter/${serviceId}${need ? `?besoin=${encodeURIComponent(need)}` : ''}`;
  };

  return (
    <>
      <PageTitle text="Annuaire des services" />
      {vocabularies.isError && <ErrorMessage error={vocabularies.error} title="Les listes de l’annuaire n’ont pas pu être chargées : seuls les mots du nom et la commune filtrent" />}
      {/* A new form when the address changes (back, a shared link): it shows the search the results are for. */}
      <SearchFiltersForm key={params.toString()} initial={initial} options={searchFilterOptions(vocabularies.data)} onSearch={search} />

      <div className="fr-segmented fr-segmented--sm fr-my-2w">
        <fieldset className="fr-segmented__fieldset">
          <legend className="fr-segmented__legend">Affichage des résultats</legend>
          <div className="fr-segmented__elements">
            {(['liste', 'carte'] as const).map((mode) => (
              <div key={mode} className="fr-segmented__element">
                <input type="radio" id={`vue-${mode}`} name="vue" checked={view === mode} onChange={() => setView(mode)} />
                <label className="fr-label" htmlFor={`vue-${mode}`}>
                  {mode === 'liste' ? 'Liste' : 'Liste et carte'}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>

      {results.isPending ? (
        <Loading what="Recherche" />
      ) : results.isError ? (
        <ErrorMessage error={results.error} title="La recherche n’a pas abouti" />
      ) : results.data.items.length === 0 ? (
        <Empty>Aucun service ne correspond. Élargissez le rayon ou retirez un critère.</Empty>
      ) : (
        <div className={view === 'carte' ? 'relais-results relais-results--map' : 'relais-results'}>
          <div>
            <p role="status" className="fr-text--sm">
              {results.data.items.length} service{results.data.items.length > 1 ? 's' : ''} sur cette page{results.data.nextCursor ? ', d’autres suivent' : ''}.
            </p>
            <ul className="relais-cards">
              {results.data.items.map((hit) => (
                <li key={hit.id} className="relais-card">
                  <h2 className="fr-h6 fr-mb-1v">
                    <Link to={`/annuaire/services/${hit.id}`}>{hit.name}</Link>
                  </h2>
                  <p className="fr-text--sm fr-mb-1v">
                    {hit.structureName}
                    {hit.nearestLieu?.communeName ? ` — ${hit.nearestLieu.communeName}` : ''}
                    {hit.distanceKm != null ? ` — ${hit.distanceKm.toLocaleString('fr-FR')} km` : ''}
                  </p>
                  <ul className="fr-badges-group fr-mb-1v">
                    {hit.roles.map((role) => (
                      <li key={role}>
                        <Badge small noIcon>{termLabel(vocabularies.data?.roles, role)}</Badge>
                      </li>
                    ))}
                    {hit.capacity?.full && (
                      <li>
                        <Badge small severity="error">Complet cette semaine</Badge>
                      </li>
                    )}
                    {hit.stale && (
                      <li>
                        <Badge small severity="warning">Fiche à vérifier</Badge>
                      </li>
                    )}
                  </ul>
                  <ul className="fr-text--xs relais-why">
                    {hit.why.map((reason) => (
                      <li key={reason.parameter + reason.explanation}>{reason.explanation}</li>
                    ))}
                  </ul>
                  {hit.acceptsRelaisReferrals ? (
                    <Link className="fr-btn fr-btn--sm" to={prefill(hit.id, hit.thematiques)}>
                      Orienter ici<span className="fr-sr-only"> : {hit.name}</span>
                    </Link>
                  ) : (
                    <p className="fr-text--xs">Ne reçoit pas d’orientation par Relais : voir la fiche pour le contacter.</p>
                  )}
                </li>
              ))}
            </ul>
            <nav className="relais-pager" aria-label="Pages de résultats">
              <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" disabled={cursors.length <= 1} onClick={() => setCursors((stack) => stack.slice(0, -1))}>
                Page précédente
              </button>
              <span>Page {cursors.length}</span>
              <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" disabled={!results.data.nextCursor} onClick={() => setCursors((stack) => [...stack, results.data.nextCursor])}>
                Page suivante
              </button>
            </nav>
          </div>
          {view === 'carte' && (
            <div className="relais-map-column">
              <Suspense fallback={<Loading what="Chargement de la carte" />}>
                <OfflineMap communesUrl={config.map.communesUrl} points={points} highlightCommune={applied.commune} />
              </Suspense>
              <p className="fr-text--xs">
                Points bleus : services avec de la place ; rouges : complets. {points.length} service{points.length > 1 ? 's' : ''} placé{points.length > 1 ? 's' : ''} sur la carte. Contours : {config.map.attribution}.
              </p>
            </div>
          )}
        </div>
      )}
    </>
  );
}
