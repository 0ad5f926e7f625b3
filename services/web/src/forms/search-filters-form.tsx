import { useState, type FormEvent } from 'react';
import type { SearchFilters } from '../api/directory';
import type { SearchFilterOptions } from '../vocabularies';
import { CheckboxField, SelectField, TextField } from './fields';

/** Languages a service may speak (ISO 639 codes, as the directory's search takes them). */
export const languages = [
  { value: 'fr', label: 'Français' },
  { value: 'en', label: 'Anglais' },
  { value: 'ar', label: 'Arabe' },
  { value: 'es', label: 'Espagnol' },
  { value: 'pt', label: 'Portugais' },
  { value: 'tr', label: 'Turc' },
  { value: 'uk', label: 'Ukrainien' },
  { value: 'ru', label: 'Russe' },
  { value: 'br', label: 'Breton' },
  { value: 'fsl', label: 'Langue des signes française' },
];

export const textFilterKeys = ['thematique', 'role', 'commune', 'radiusKm', 'modeAccueil', 'public', 'language', 'q'] as const;
type TextFilterKey = (typeof textFilterKeys)[number];
export type SearchFormValues = Record<TextFilterKey, string> & { openNow: boolean; acceptsReferrals: boolean };

export const emptySearchForm: SearchFormValues = { thematique: '', role: '', commune: '', radiusKm: '20', modeAccueil: '', public: '', language: '', q: '', openNow: false, acceptsReferrals: false };

/** What the directory would refuse, said before asking it: a commune is an INSEE code, the radius 1 to 200 km. */
export function validateSearch(values: SearchFormValues): Partial<Record<TextFilterKey, string>> {
  const errors: Partial<Record<TextFilterKey, string>> = {};
  if (values.commune && !/^(\d{5}|2[AB]\d{3})$/.test(values.commune)) errors.commune = 'Le code INSEE de la commune a 5 caractères (exemple : 56260 pour Vannes).';
  const radius = Number(values.radiusKm);
  if (values.commune && (!Number.isInteger(radius) || radius < 1 || radius > 200)) errors.radiusKm = 'Le rayon va de 1 à 200 km.';
  return errors;
}

/** The form's values as the search's filters: empty ones left out, the radius only with a commune. */
export function toSearchFilters(values: SearchFormValues): SearchFilters {
  const filters: SearchFilters = {};
  for (const key of textFilterKeys) if (values[key] && (key !== 'radiusKm' || values.commune)) filters[key] = values[key];
  if (values.openNow) filters.openNow = true;
  if (values.acceptsReferrals) filters.acceptsReferrals = true;
  return filters;
}

/** The directory search's criteria; every list comes from the directory's vocabularies (see searchFilterOptions). */
export function SearchFiltersForm({ initial, options, onSearch }: { initial: SearchFormValues; options: SearchFilterOptions; onSearch: (values: SearchFormValues) => void }) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<TextFilterKey, string>>>({});
  const set = (key: TextFilterKey) => (value: string) => setValues((previous) => ({ ...previous, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateSearch(values);
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(first)?.focus();
      return;
    }
    onSearch(values);
  };

  return (
    <form onSubmit={submit} className="relais-search-form" aria-label="Critères de recherche" noValidate>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">
          <SelectField id="thematique" label="Besoin (thématique)" placeholder="Tous les besoins" value={values.thematique} onChange={set('thematique')} options={options.thematique} />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <SelectField id="role" label="Rôle du service" placeholder="Tous les rôles" value={values.role} onChange={set('role')} options={options.role} />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <TextField id="q" type="search" label="Mots du nom" value={values.q} onChange={set('q')} />
        </div>
        <div className="fr-col-12 fr-col-sm-8 fr-col-md-3">
          <TextField id="commune" label="Commune de la personne (code INSEE)" hint="Exemple : 56260 (Vannes)" value={values.commune} onChange={set('commune')} error={errors.commune} />
        </div>
        <div className="fr-col-12 fr-col-sm-4 fr-col-md-2">
          <TextField id="radiusKm" type="number" label="Rayon (km)" value={values.radiusKm} onChange={set('radiusKm')} error={errors.radiusKm} />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <SelectField id="modeAccueil" label="Mode d’accueil" placeholder="Tous" value={values.modeAccueil} onChange={set('modeAccueil')} options={options.modeAccueil} />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <SelectField id="public" label="Public" placeholder="Tous les publics" value={values.public} onChange={set('public')} options={options.public} />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <SelectField id="language" label="Langue parlée" placeholder="Toutes" value={values.language} onChange={set('language')} options={languages} />
        </div>
        <div className="fr-col-12 fr-col-md-3 relais-search-checks">
          <CheckboxField id="ouvert" label="Ouvert maintenant" checked={values.openNow} onChange={(openNow) => setValues((previous) => ({ ...previous, openNow }))} />
          <CheckboxField id="relais" label="Reçoit les orientations Relais" checked={values.acceptsReferrals} onChange={(acceptsReferrals) => setValues((previous) => ({ ...previous, acceptsReferrals }))} />
        </div>
        <div className="fr-col-12 fr-col-md-6 relais-search-submit">
          <button type="submit" className="fr-btn fr-icon-search-line fr-btn--icon-left">
            Rechercher
          </button>
        </div>
      </div>
    </form>
  );
}
