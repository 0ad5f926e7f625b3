/**
 * The directory's controlled vocabularies. Their values are the public contract of the search API
 * (an unknown value is a 400) and of the write API; they follow data·inclusion (thématiques, publics,
 * frais, typologies) and the *Lieux de médiation numérique* standard where those exist, so imports map
 * onto them without loss. French labels are what a front-desk agent reads.
 */
import { modalities as contractModalities, referralMethodKinds as contractReferralMethodKinds, serviceFees, serviceRoles, serviceStatuses } from '@relais/contracts';

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
 * data·inclusion's `numerique--…` thématiques, then the administrative domains a person needs help
 * with (service-public.fr's themes), in the same `category--subcategory` form.
 */
export const thematiques = [
  'numerique--acceder-a-du-materiel',
  'numerique--acceder-a-une-connexion-internet',
  'numerique--accompagner-les-demarches-de-sante',
  'numerique--approfondir-ma-culture-numerique',
  'numerique--creer-avec-le-numerique',
  'numerique--creer-et-developper-mon-entreprise',
  'numerique--devenir-autonome-dans-les-demarches-administratives',
  'numerique--favoriser-mon-insertion-professionnelle',
  'numerique--prendre-en-main-un-ordinateur',
  'numerique--prendre-en-main-un-smartphone-ou-une-tablette',
  'numerique--promouvoir-la-citoyennete-numerique',
  'numerique--realiser-des-demarches-administratives-avec-un-accompagnement',
  'numerique--s-equiper-en-materiel-informatique',
  'numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique',
  'numerique--utiliser-le-numerique-au-quotidien',
  'demarches--papiers',
  'demarches--famille',
  'demarches--social',
  'demarches--travail',
  'demarches--logement',
  'demarches--transports',
  'demarches--argent',
  'demarches--sante',
  'demarches--retraite',
  'demarches--justice',
  'demarches--etranger',
] as const;
export type Thematique = (typeof thematiques)[number];

/** A category (`numerique`, `demarches`) is also accepted by the search and stands for all its thématiques. */
export const thematiqueCategories = ['numerique', 'demarches'] as const;
export const thematiqueFilterValues = [...thematiqueCategories, ...thematiques] as const;

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

export const thematiqueLabels: Record<Thematique, string> = {
  'numerique--acceder-a-du-materiel': 'accéder à du matériel',
  'numerique--acceder-a-une-connexion-internet': 'accéder à une connexion internet',
  'numerique--accompagner-les-demarches-de-sante': 'démarches de santé en ligne',
  'numerique--approfondir-ma-culture-numerique': 'culture numérique',
  'numerique--creer-avec-le-numerique': 'créer avec le numérique',
  'numerique--creer-et-developper-mon-entreprise': 'créer et développer son entreprise',
  'numerique--devenir-autonome-dans-les-demarches-administratives': 'devenir autonome dans les démarches',
  'numerique--favoriser-mon-insertion-professionnelle': 'insertion professionnelle',
  'numerique--prendre-en-main-un-ordinateur': 'prendre en main un ordinateur',
  'numerique--prendre-en-main-un-smartphone-ou-une-tablette': 'smartphone ou tablette',
  'numerique--promouvoir-la-citoyennete-numerique': 'citoyenneté numérique',
  'numerique--realiser-des-demarches-administratives-avec-un-accompagnement': 'démarches administratives accompagnées',
  'numerique--s-equiper-en-materiel-informatique': "s'équiper en matériel",
  'numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique': 'parentalité et éducation',
  'numerique--utiliser-le-numerique-au-quotidien': 'numérique au quotidien',
  'demarches--papiers': 'papiers, citoyenneté',
  'demarches--famille': 'famille',
  'demarches--social': 'social',
  'demarches--travail': 'travail, emploi',
  'demarches--logement': 'logement',
  'demarches--transports': 'transports',
  'demarches--argent': 'argent, impôts',
  'demarches--sante': 'santé',
  'demarches--retraite': 'retraite',
  'demarches--justice': 'justice',
  'demarches--etranger': 'étrangers en France',
};

/** Publics (data·inclusion v1 `publics`, trimmed to what the field documents name). */
export const publics = [
  'tous-publics',
  'jeunes',
  'etudiants',
  'familles',
  'femmes',
  'seniors',
  'retraites',
  'demandeurs-emploi',
  'salaries',
  'beneficiaires-minima-sociaux',
  'personnes-handicapees',
  'personnes-de-nationalite-etrangere',
  'personnes-sans-domicile',
] as const;
export type Public = (typeof publics)[number];

export const modalities = contractModalities;
export type Modality = (typeof modalities)[number];
/** Modalities that reach a person where they are: such a service serves a commune without a lieu nearby. */
export const mobileModalities: readonly Modality[] = ['a-distance', 'a-domicile', 'itinerant'];

/** data·inclusion `frais`. */
export const fees = serviceFees;
export type Fee = (typeof fees)[number];

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
