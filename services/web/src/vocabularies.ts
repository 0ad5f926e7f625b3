import { useQuery } from '@tanstack/react-query';
import { api } from './api/client';
import { ApiError } from './api/problem';
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

const terms = (values: string[]): Term[] => values.map((value) => ({ value, label: humanize(value) }));

/**
 * Used only while the directory does not serve its vocabularies yet (an older directory): the values of
 * docs/directory.md, labels made from the codes. The endpoint's lists win as soon as it answers.
 */
export const fallbackVocabularies: Vocabularies = {
  roles: [
    { value: 'diagnostic', label: 'diagnostic' },
    { value: 'orientation', label: 'orientation' },
    { value: 'formation', label: 'formation' },
    { value: 'accompagnement', label: 'accompagnement' },
    { value: 'faire-a-la-place', label: 'faire à la place (aidant habilité)' },
    { value: 'equipement', label: 'équipement' },
    { value: 'acces-libre', label: 'accès libre' },
  ],
  thematiques: [
    { value: 'numerique', label: 'Numérique (toutes)' },
    { value: 'demarches', label: 'Démarches administratives (toutes)' },
    ...terms(['papiers', 'famille', 'social', 'travail', 'logement', 'transports', 'argent', 'sante', 'retraite', 'justice', 'etranger'].map((d) => `demarches--${d}`)),
  ],
  typesServices: [],
  publics: terms([
    'tous-publics', 'jeunes', 'etudiants', 'familles', 'femmes', 'seniors', 'retraites', 'demandeurs-emploi', 'salaries',
    'beneficiaires-minima-sociaux', 'personnes-handicapees', 'personnes-de-nationalite-etrangere', 'personnes-sans-domicile',
  ]),
  frais: terms(['gratuit', 'gratuit-sous-conditions', 'payant', 'adhesion', 'pass-numerique']),
  modesAccueil: terms(['sur-place', 'a-distance', 'a-domicile', 'itinerant']),
  modesMobilisation: [],
};

export async function fetchVocabularies(): Promise<Vocabularies> {
  try {
    return await api<Vocabularies>('/api/directory/v1/vocabularies', { anonymous: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return fallbackVocabularies;
    throw error;
  }
}

export function useVocabularies() {
  return useQuery({ queryKey: ['vocabularies'], queryFn: fetchVocabularies, staleTime: Infinity });
}

/** Label of a code in one list, or the code made readable. */
export function termLabel(list: Term[] | undefined, value: string): string {
  return list?.find((term) => term.value === value)?.label ?? humanize(value);
}

interface OpenApiParameter {
  name: string;
  schema?: { enum?: string[]; items?: { enum?: string[] } };
}

/** What the directory's search accepts, per filter, as its OpenAPI document declares it. */
export type SearchFilterValues = Partial<Record<'role' | 'thematique' | 'modality' | 'public', string[]>>;

export async function fetchSearchFilterValues(): Promise<SearchFilterValues> {
  const document = await api<{ paths: Record<string, { get?: { parameters?: OpenApiParameter[] } }> }>('/api/directory/openapi.json', { anonymous: true });
  const search = Object.entries(document.paths).find(([path, item]) => path.endsWith('/v1/services') && item.get)?.[1].get;
  const values: SearchFilterValues = {};
  for (const parameter of search?.parameters ?? []) {
    const allowed = parameter.schema?.enum ?? parameter.schema?.items?.enum;
    if (allowed && (['role', 'thematique', 'modality', 'public'] as const).includes(parameter.name as 'role')) values[parameter.name as keyof SearchFilterValues] = allowed;
  }
  return values;
}

/**
 * The options of one search filter: the values the search accepts (its OpenAPI enums, so a filter never
 * sends what the search would refuse), labelled from the vocabularies where they name the value.
 */
export function useSearchFilterOptions(): Record<'role' | 'thematique' | 'modality' | 'public', Term[]> {
  const vocabularies = useVocabularies();
  const accepted = useQuery({ queryKey: ['search-filter-values'], queryFn: fetchSearchFilterValues, staleTime: Infinity });
  const vocabulary = vocabularies.data ?? fallbackVocabularies;
  const options = (filter: keyof SearchFilterValues, list: Term[]): Term[] => {
    const values = accepted.data?.[filter];
    if (!values) return list;
    return values.map((value) => ({ value, label: list.find((term) => term.value === value)?.label ?? categoryLabels[value] ?? humanize(value) }));
  };
  return {
    role: options('role', vocabulary.roles),
    thematique: options('thematique', vocabulary.thematiques),
    modality: options('modality', vocabulary.modesAccueil),
    public: options('public', vocabulary.publics),
  };
}

const categoryLabels: Record<string, string> = { numerique: 'Numérique (toutes)', demarches: 'Démarches administratives (toutes)' };
