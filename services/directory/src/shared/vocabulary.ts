/**
 * The directory's controlled vocabularies. Their values are the public contract of the search API
 * (an unknown value is a 400) and of the write API. Thématiques, publics and frais are data·inclusion
 * v1's (vocabularies/); roles, modalities, typologies and labels are Relais's own fields, documented in
 * docs/directory.md. French labels are what a front-desk agent reads.
 */
import { modalities as contractModalities, referralMethodKinds as contractReferralMethodKinds, serviceRoles, serviceStatuses } from '@relais/contracts';
import { thematiqueCategories, thematiques, vocabularies, type Thematique } from '../vocabularies/vocabularies';

export const roles = serviceRoles;
export type ServiceRole = (typeof roles)[number];

export const roleLabels: Record<ServiceRole, string> = {
  diagnostic: 'diagnostic',
  orientation: 'orientation',
  formation: 'formation',
  accompagnement: 'accompagnement',
  'faire-a-la-place': 'faire à la place (aidant habilité)',
  equipement: 'équipement',
  'acces-libre': 'accès libre',
};

/**
 * Thématiques, publics and frais are data·inclusion v1's référentiels, owned by vocabularies/ (the
 * values a write, a search or an import may use); re-exported here for the directory's older imports.
 */
export { frais as fees, publics, thematiqueCategories, thematiques, type Frais as Fee, type Public, type Thematique } from '../vocabularies/vocabularies';

/** A category (`numerique`, `famille`…) is also accepted by the search and stands for all its thématiques. */
export const thematiqueFilterValues: readonly string[] = [...thematiqueCategories, ...thematiques];

export function expandThematiques(values: readonly string[]): Thematique[] {
  const expanded = new Set<Thematique>();
  for (const value of values) {
    if ((thematiqueCategories as readonly string[]).includes(value)) {
      for (const thematique of thematiques) if (thematique.startsWith(`${value}--`)) expanded.add(thematique);
    } else if ((thematiques as readonly string[]).includes(value)) {
      expanded.add(value as Thematique);
    }
  }
  return [...expanded];
}

/** The référentiel's French label of each thématique. */
export const thematiqueLabels = Object.fromEntries(vocabularies.thematiques.map((entry) => [entry.value, entry.label])) as Record<Thematique, string>;

export const modalities = contractModalities;
export type Modality = (typeof modalities)[number];
/** Modalities that reach a person where they are: such a service serves a commune without a lieu nearby. */
export const mobileModalities: readonly Modality[] = ['a-distance', 'a-domicile', 'itinerant'];

/** How a sender refers a person: through Relais (tracked), or the structure's own channel. */
export const referralMethodKinds = contractReferralMethodKinds;
export type ReferralMethodKind = (typeof referralMethodKinds)[number];

export const serviceStatusValues = serviceStatuses;
export type ServiceStatus = (typeof serviceStatusValues)[number];

/** Support for specific needs (the LMN standard's *prise en charge spécifique*). */
export const accessibilityFeatures = ['surdite', 'handicap-moteur', 'handicap-mental', 'deficience-visuelle', 'illettrisme', 'langues-etrangeres'] as const;
export type AccessibilityFeature = (typeof accessibilityFeatures)[number];

/**
 * Typologies: data·inclusion codes for the actors of the field documents (CAF, CPAM, MSA, France
 * Travail `FT`, CCAS, mairie `MUNI`, centre social `CS`, médiathèque `BIB`, France Services `RFS`,
 * association `ASSO`, EPN, conseiller numérique `CNFS`…).
 */
export const typologies = [
  'CAF',
  'CPAM',
  'MSA',
  'FT',
  'CARSAT',
  'CCAS',
  'CIAS',
  'MUNI',
  'CS',
  'CSC',
  'BIB',
  'RFS',
  'ASSO',
  'EPN',
  'CNFS',
  'DEPT',
  'MDS',
  'ML',
  'PIJ_BIJ',
  'TIERS_LIEUX',
  'AUTRE',
] as const;
export type Typology = (typeof typologies)[number];

export const typologyLabels: Record<Typology, string> = {
  CAF: "Caisse d'allocations familiales",
  CPAM: "Caisse primaire d'assurance maladie",
  MSA: 'Mutualité sociale agricole',
  FT: 'France Travail',
  CARSAT: 'Carsat (assurance retraite)',
  CCAS: "Centre communal d'action sociale",
  CIAS: "Centre intercommunal d'action sociale",
  MUNI: 'Mairie',
  CS: 'Centre social',
  CSC: 'Centre socioculturel',
  BIB: 'Médiathèque, bibliothèque',
  RFS: 'France Services',
  ASSO: 'Association',
  EPN: 'Espace public numérique',
  CNFS: 'Conseiller numérique',
  DEPT: 'Services sociaux du Département',
  MDS: 'Maison départementale des solidarités',
  ML: 'Mission locale',
  PIJ_BIJ: 'Point information jeunesse',
  TIERS_LIEUX: 'Tiers-lieu',
  AUTRE: 'Autre',
};

/** Labels a structure holds. `aidants-connect` is what allows the role faire-a-la-place. */
export const labels = ['france-services', 'aidants-connect', 'conseiller-numerique', 'pass-numerique', 'label-emmaus-connect'] as const;
export type Label = (typeof labels)[number];
export const AIDANTS_CONNECT: Label = 'aidants-connect';

/** ISO 639 codes a service may be offered in: any language Intl knows by that code. */
const languageNames = new Intl.DisplayNames(['fr'], { type: 'language', fallback: 'none' });
export function isLanguageCode(value: string): boolean {
  if (!/^[a-z]{2,3}$/.test(value)) return false;
  try {
    return languageNames.of(value) !== undefined;
  } catch {
    return false;
  }
}
export function languageLabel(code: string): string {
  return languageNames.of(code) ?? code;
}
