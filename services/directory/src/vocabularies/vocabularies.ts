/**
 * The directory's vocabularies, in one place: the values a service, a search or an import may use, with the
 * French label a front-desk agent reads. Thématiques, types de services, publics, frais, modes d'accueil and
 * modes de mobilisation are data·inclusion v1's référentiels, unchanged (`referentiels/`); roles are Relais's own
 * (what a structure does for a person on the parcours: diagnostiquer, orienter, former, accompagner…), a
 * separate field rather than made-up values in the standard's namespace.
 */
import { serviceRoles } from '@relais/contracts';
import * as referentiels from './referentiels/data-inclusion-v1';

export interface VocabularyEntry {
  readonly value: string;
  readonly label: string;
  readonly description?: string;
  /** For a thématique: its category (a value of the same list, without parent). */
  readonly parent?: string;
}

type ValueOf<L extends readonly { value: string }[]> = L[number]['value'];

export type Thematique = ValueOf<typeof referentiels.thematiques>;
export type TypeDeService = ValueOf<typeof referentiels.typesDeServices>;
export type Public = ValueOf<typeof referentiels.publics>;
export type Frais = ValueOf<typeof referentiels.frais>;
export type ModeAccueil = ValueOf<typeof referentiels.modesAccueil>;
export type ModeMobilisation = ValueOf<typeof referentiels.modesMobilisation>;
export type ServiceRole = (typeof serviceRoles)[number];

/**
 * The categories of data·inclusion's thématiques (the part before `--`). The référentiel lists thématiques
 * only; a category is what a search filter offers first, and stands for all its thématiques.
 */
const thematiqueCategoryLabels = {
  'choisir-un-metier': 'Choisir un métier',
  'creer-une-entreprise': 'Créer une entreprise',
  'difficultes-administratives-ou-juridiques': 'Difficultés administratives ou juridiques',
  'difficultes-financieres': 'Difficultés financières',
  'equipement-et-alimentation': 'Équipement et alimentation',
  famille: 'Famille',
  'lecture-ecriture-calcul': 'Lecture, écriture, calcul',
  'logement-hebergement': 'Logement et hébergement',
  mobilite: 'Mobilité',
  numerique: 'Numérique',
  'preparer-sa-candidature': 'Préparer sa candidature',
  remobilisation: 'Remobilisation',
  sante: 'Santé',
  'se-former': 'Se former',
  'souvrir-a-linternational': 'S’ouvrir à l’international',
  'trouver-un-emploi': 'Trouver un emploi',
} as const;
export type ThematiqueCategory = keyof typeof thematiqueCategoryLabels;
export const thematiqueCategories = Object.keys(thematiqueCategoryLabels) as ThematiqueCategory[];

export function categoryOf(thematique: Thematique): ThematiqueCategory {
  return thematique.slice(0, thematique.indexOf('--')) as ThematiqueCategory;
}

const roleEntries: Record<ServiceRole, { label: string; description: string }> = {
  diagnostic: { label: 'Diagnostic', description: 'Évaluer l’équipement, les compétences, l’aisance et les démarches urgentes de la personne' },
  orientation: { label: 'Orientation', description: 'Orienter la personne vers le service qui répond à son besoin' },
  formation: { label: 'Formation', description: 'Former la personne pour qu’elle devienne autonome (ateliers, parcours)' },
  accompagnement: { label: 'Accompagnement', description: 'Accompagner la personne dans une démarche ou un apprentissage, sur plusieurs rendez-vous' },
  'faire-a-la-place': { label: 'Faire à la place (aidant habilité)', description: 'Réaliser la démarche pour la personne ; seulement une structure habilitée Aidants Connect' },
  equipement: { label: 'Équipement', description: 'Fournir du matériel ou une connexion à la personne' },
  'acces-libre': { label: 'Accès libre', description: 'Mettre à disposition, en libre-service, des postes et une connexion' },
};

export const thematiques: readonly Thematique[] = referentiels.thematiques.map((entry) => entry.value);
export const typesDeServices: readonly TypeDeService[] = referentiels.typesDeServices.map((entry) => entry.value);
export const publics: readonly Public[] = referentiels.publics.map((entry) => entry.value);
export const frais: readonly Frais[] = referentiels.frais.map((entry) => entry.value);
export const modesAccueil: readonly ModeAccueil[] = referentiels.modesAccueil.map((entry) => entry.value);
export const modesMobilisation: readonly ModeMobilisation[] = referentiels.modesMobilisation.map((entry) => entry.value);

/** Every list, as `GET /v1/vocabularies` serves it. Its shape is a public contract: add lists, never rename. */
export interface Vocabularies {
  thematiques: VocabularyEntry[];
  typesServices: VocabularyEntry[];
  publics: VocabularyEntry[];
  frais: VocabularyEntry[];
  modesAccueil: VocabularyEntry[];
  modesMobilisation: VocabularyEntry[];
  roles: VocabularyEntry[];
}

function entries(list: readonly referentiels.ReferentielEntry[]): VocabularyEntry[] {
  return list.map(({ value, label, description }) => (description ? { value, label, description } : { value, label }));
}

/** Each category first, then its thématiques (with `parent`), in the référentiel's order. */
function thematiqueEntries(): VocabularyEntry[] {
  return thematiqueCategories.flatMap((category) => [
    { value: category, label: thematiqueCategoryLabels[category], description: 'Catégorie : toutes ses thématiques' },
    ...referentiels.thematiques
      .filter((entry) => categoryOf(entry.value) === category)
      .map(({ value, label }) => ({ value, label, parent: category })),
  ]);
}

export const vocabularies: Vocabularies = deepFreeze({
  thematiques: thematiqueEntries(),
  typesServices: entries(referentiels.typesDeServices),
  publics: entries(referentiels.publics),
  frais: entries(referentiels.frais),
  modesAccueil: entries(referentiels.modesAccueil),
  modesMobilisation: entries(referentiels.modesMobilisation),
  roles: serviceRoles.map((value) => ({ value, ...roleEntries[value] })),
});

function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) if (typeof member === 'object' && member !== null) deepFreeze(member as object);
  return Object.freeze(value);
}

/** A label for any value of the lists, for text built from them (search text, exports); the value itself if unknown. */
const labelsByList = new Map(Object.entries(vocabularies).map(([list, values]) => [list, new Map((values as VocabularyEntry[]).map((entry) => [entry.value, entry.label]))]));
export function labelOf(list: keyof Vocabularies, value: string): string {
  return labelsByList.get(list)?.get(value) ?? value;
}
