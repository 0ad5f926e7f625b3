import { useQuery } from '@tanstack/react-query';
import { api } from './api/client';
import { humanize } from './labels';

export interface Term {
  value: string;
  label: string;
  description?: string;
  /** For a thématique: its category. */
  parent?: string;
}

/** The directory's controlled vocabularies, with French labels (`GET /api/directory/v1/vocabularies`). */
export interface Vocabularies {
  thematiques: Term[];
  typesServices: Term[];
  publics: Term[];
  frais: Term[];
  modesAccueil: Term[];
  modesMobilisation: Term[];
  roles: Term[];
}

/** The directory's vocabularies (public, cacheable): every filter and every label of a code comes from them. */
export function fetchVocabularies(): Promise<Vocabularies> {
  return api<Vocabularies>('/api/directory/v1/vocabularies', { anonymous: true });
}

export function useVocabularies() {
  return useQuery({ queryKey: ['vocabularies'], queryFn: fetchVocabularies, staleTime: Infinity });
}

/** Label of a code in one list: « … » while the list loads, the code made readable only for a value the list lacks (a newer directory). */
export function termLabel(list: Term[] | undefined, value: string): string {
  if (!list) return '…';
  return list.find((term) => term.value === value)?.label ?? humanize(value);
}

/** An option of a search filter; `group` puts it under a heading (a thématique under its category). */
export interface FilterOption {
  value: string;
  label: string;
  group?: string;
}

export interface SearchFilterOptions {
  thematique: FilterOption[];
  role: FilterOption[];
  modeAccueil: FilterOption[];
  public: FilterOption[];
}

/**
 * The search form's options, all from `GET /api/directory/v1/vocabularies`: its values are the ones the
 * directory's search accepts (a category such as `numerique` stands for all its thématiques there), so a
 * filter never sends what the search would refuse. Each category comes first in its group, then its thématiques.
 */
export function searchFilterOptions(vocabularies: Vocabularies | undefined): SearchFilterOptions {
  const thematiques = vocabularies?.thematiques ?? [];
  const categories = thematiques.filter((term) => !term.parent);
  return {
    thematique: categories.flatMap((category) => [
      { value: category.value, label: `${category.label} (toutes)`, group: category.label },
      ...thematiques.filter((term) => term.parent === category.value).map((term) => ({ value: term.value, label: term.label, group: category.label })),
    ]),
    role: (vocabularies?.roles ?? []).map(({ value, label }) => ({ value, label })),
    modeAccueil: (vocabularies?.modesAccueil ?? []).map(({ value, label }) => ({ value, label })),
    public: (vocabularies?.publics ?? []).map(({ value, label }) => ({ value, label })),
  };
}

/**
 * data·inclusion v1's modes d'accueil (à distance, en présentiel) as the search's `modality` values, which
 * are finer: in person is on site, at home or itinerant (a person who needs someone in front of them is
 * served by all three). An unknown mode sends nothing rather than a value the search would refuse.
 */
const modalitiesByModeAccueil: Record<string, string[]> = { 'a-distance': ['a-distance'], 'en-presentiel': ['sur-place', 'a-domicile', 'itinerant'] };
export function modalitiesOf(modeAccueil: string | undefined): string[] | undefined {
  return modeAccueil ? modalitiesByModeAccueil[modeAccueil] : undefined;
}
