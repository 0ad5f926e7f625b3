import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { lieuQuery, searchServices, type SearchFilters } from '../api/directory';
import { useInstance } from '../auth/agent-context';
import { SelectField, TextField, CheckboxField } from '../forms/fields';
import { Empty, ErrorMessage, Loading, PageTitle } from '../ui';
import { termLabel, useSearchFilterOptions, useVocabularies } from '../vocabularies';
import type { MapPoint } from '../map/offline-map';

const OfflineMap = lazy(() => import('../map/offline-map'));

const languages = [
  { value: 'fr', label: 'français' },
  { value: 'en', label: 'anglais' },
  { value: 'ar', label: 'arabe' },
  { value: 'es', label: 'espagnol' },
  { value: 'pt', label: 'portugais' },
  { value: 'tr', label: 'turc' },
  { value: 'uk', label: 'ukrainien' },
  { value: 'ru', label: 'russe' },
  { value: 'br', label: 'breton' },
  { value: 'fsl', label: 'langue des signes française' },
];

const filterKeys = ['thematique', 'role', 'commune', 'radiusKm', 'modality', 'public', 'language', 'q'] as const;

/** Directory search: the filters are in the address (a search can be bookmarked and shared), results as a list and on the map. */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const { config } = useInstance();
  const vocabularies = useVocabularies();
  const filterOptions = useSearchFilterOptions();
  const applied: SearchFilters = useMemo(
    () => ({
      ...Object.fromEntries(filterKeys.map((key) => [key, params.get(key) ?? undefined])),
      openNow: params.get('ouvert') === '1',
      acceptsReferrals: params.get('relais') === '1',
    }),
    [params],
  );
  const [form, setForm] = useState<Record<string, string>>(() => Object.fromEntries(filterKeys.map((key) => [key, params.get(key) ?? (key === 'radiusKm' ? '20' : '')])));
  const [openNow, setOpenNow] = useState(applied.openNow ?? false);
  const [acceptsReferrals, setAcceptsReferrals] = useState(applied.acceptsReferrals ?? false);
  const [formError, setFormError] = useState<Record<string, string>>({});
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

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (form['commune'] && !/^(\d{5}|2[AB]\d{3})$/.test(form['commune'])) errors['commune'] = 'Le code INSEE de la commune a 5 caractères (exemple : 56260 pour Vannes).';
    const radius = Number(form['radiusKm']);
    if (form['commune'] && (!Number.isInteger(radius) || radius < 1 || radius > 200)) errors['radiusKm'] = 'Le rayon va de 1 à 200 km.';
    setFormError(errors);
    if (Object.keys(errors).length > 0) {
      document.getElementById(Object.keys(errors)[0] ?? '')?.focus();
      return;
    }
    const next = new URLSearchParams();
    for (const key of filterKeys) if (form[key] && (key !== 'radiusKm' || form['commune'])) next.set(key, form[key] ?? '');
    if (openNow) next.set('ouvert', '1');
    if (acceptsReferrals) next.set('relais', '1');
    setParams(next);
    setCursors([null]);
  };
  const set = (key: string) => (value: string) => setForm((previous) => ({ ...previous, [key]: value }));
  const options = (list: Array<{ value: string; label: string }> | undefined) => (list ?? []).map((term) => ({ value: term.value, label: term.label }));
  const prefill = (serviceId: string, thematiques: string[]) => {
    const need = applied.thematique && applied.thematique.includes('--') ? applied.thematique : thematiques[0];
    return `/orienter/${serviceId}${need ? `?besoin=${encodeURIComponent(need)}` : ''}`;
  };

  return (
    <>
      <PageTitle text="Annuaire des services" />
      <form onSubmit={submit} className="relais-search-form" aria-label="Critères de recherche" noValidate>
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-4">
            <SelectField id="thematique" label="Besoin (thématique)" placeholder="Tous les besoins" value={form['thematique'] ?? ''} onChange={set('thematique')} options={options(filterOptions.thematique)} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <SelectField id="role" label="Rôle du service" placeholder="Tous les rôles" value={form['role'] ?? ''} onChange={set('role')} options={options(filterOptions.role)} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <TextField id="q" type="search" label="Mots du nom" value={form['q'] ?? ''} onChange={set('q')} />
          </div>
          <div className="fr-col-8 fr-col-md-3">
            <TextField id="commune" label="Commune de la personne (code INSEE)" hint="Exemple : 56260 (Vannes)" value={form['commune'] ?? ''} onChange={set('commune')} error={formError['commune']} />
          </div>
          <div className="fr-col-4 fr-col-md-2">
            <TextField id="radiusKm" type="number" label="Rayon (km)" value={form['radiusKm'] ?? ''} onChange={set('radiusKm')} error={formError['radiusKm']} />
          </div>
          <div className="fr-col-12 fr-col-md-3">
            <SelectField id="modality" label="Mode d’accueil" placeholder="Tous" value={form['modality'] ?? ''} onChange={set('modality')} options={options(filterOptions.modality)} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <SelectField id="public" label="Public" placeholder="Tous les publics" value={form['public'] ?? ''} onChange={set('public')} options={options(filterOptions.public)} />
          </div>
          <div className="fr-col-12 fr-col-md-3">
            <SelectField id="language" label="Langue parlée" placeholder="Toutes" value={form['language'] ?? ''} onChange={set('language')} options={languages} />
          </div>
          <div className="fr-col-12 fr-col-md-3 relais-search-checks">
            <CheckboxField id="ouvert" label="Ouvert maintenant" checked={openNow} onChange={setOpenNow} />
            <CheckboxField id="relais" label="Reçoit les orientations Relais" checked={acceptsReferrals} onChange={setAcceptsReferrals} />
          </div>
          <div className="fr-col-12 fr-col-md-6 relais-search-submit">
            <button type="submit" className="fr-btn fr-icon-search-line fr-btn--icon-left">
              Rechercher
            </button>
          </div>
        </div>
      </form>

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
