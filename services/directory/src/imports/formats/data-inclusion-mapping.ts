import type { Label, Modality, ReferralMethodKind, ServiceRole, Typology } from '../../shared/vocabulary';

/**
 * The tables between data·inclusion v1 and the directory, read by the import and the export alike so that
 * a document exported then imported comes back the same (docs/standards.md, data·inclusion v1, holds them).
 */

/** v1 `type` (one per service) → Relais roles. */
export const typeToRoles = {
  accompagnement: ['accompagnement'],
  'aide-financiere': ['accompagnement'],
  'aide-materielle': ['equipement'],
  atelier: ['formation'],
  formation: ['formation'],
  information: ['orientation'],
} as const satisfies Record<string, readonly ServiceRole[]>;

/**
 * Relais roles → v1 `type`: the first of the service's roles in this order. Every type the export writes
 * is read back as the role it came from (accompagnement, formation, information, aide-materielle).
 */
export const roleToType: ReadonlyArray<readonly [ServiceRole, string]> = [
  ['accompagnement', 'accompagnement'],
  ['faire-a-la-place', 'accompagnement'],
  ['diagnostic', 'accompagnement'],
  ['formation', 'formation'],
  ['equipement', 'aide-materielle'],
  ['orientation', 'information'],
  ['acces-libre', 'information'],
];

/** `reseaux_porteurs` that say what kind of structure it is (v1 has no typology field). */
export const reseauToTypology: Readonly<Record<string, Typology>> = {
  caf: 'CAF',
  cpam: 'CPAM',
  cnam: 'CPAM',
  'mutualite-sociale-agricole': 'MSA',
  'france-travail': 'FT',
  'ccas-cias': 'CCAS',
  communes: 'MUNI',
  'france-service': 'RFS',
  msap: 'RFS',
  'espaces-publics-numeriques': 'EPN',
  'conseillers-numeriques': 'CNFS',
  departements: 'DEPT',
  'maisons-des-solidarites': 'MDS',
  'mission-locale': 'ML',
  'reseau-information-jeunesse': 'PIJ_BIJ',
  'fabrique-de-territoire': 'TIERS_LIEUX',
  fcsf: 'CS',
};

/** Typology → the réseau porteur written by the export (none for CARSAT, BIB, ASSO, AUTRE). */
export const typologyToReseau: Readonly<Partial<Record<Typology, string>>> = {
  CAF: 'caf',
  CPAM: 'cpam',
  MSA: 'mutualite-sociale-agricole',
  FT: 'france-travail',
  CCAS: 'ccas-cias',
  CIAS: 'ccas-cias',
  MUNI: 'communes',
  RFS: 'france-service',
  EPN: 'espaces-publics-numeriques',
  CNFS: 'conseillers-numeriques',
  DEPT: 'departements',
  MDS: 'maisons-des-solidarites',
  ML: 'mission-locale',
  PIJ_BIJ: 'reseau-information-jeunesse',
  TIERS_LIEUX: 'fabrique-de-territoire',
  CS: 'fcsf',
  CSC: 'fcsf',
};

/** `reseaux_porteurs` that are labels of the directory. */
export const reseauToLabel: Readonly<Record<string, Label>> = {
  'france-service': 'france-services',
  'aidants-connect': 'aidants-connect',
  'conseillers-numeriques': 'conseiller-numerique',
};
export const labelToReseau: Readonly<Partial<Record<Label, string>>> = Object.fromEntries(Object.entries(reseauToLabel).map(([reseau, label]) => [label, reseau]));

/** When no réseau porteur says it, the structure's name often does. Checked in order; otherwise AUTRE. */
export const typologyFromName: ReadonlyArray<readonly [RegExp, Typology]> = [
  [/\bCCAS\b|centre communal d.action sociale/i, 'CCAS'],
  [/\bCIAS\b|centre intercommunal d.action sociale/i, 'CIAS'],
  [/france services?\b/i, 'RFS'],
  [/mission locale/i, 'ML'],
  [/m[ée]diath[èe]que|biblioth[èe]que/i, 'BIB'],
  [/centre socio.?culturel/i, 'CSC'],
  [/centre social/i, 'CS'],
  [/espace public numérique|\bEPN\b/i, 'EPN'],
  [/\bmairie\b|\bhôtel de ville\b/i, 'MUNI'],
  [/\bCAF\b|caisse d.allocations familiales/i, 'CAF'],
  [/\bCPAM\b|caisse primaire/i, 'CPAM'],
  [/\bMSA\b|mutualité sociale agricole/i, 'MSA'],
  [/\bCARSAT\b/i, 'CARSAT'],
  [/france travail/i, 'FT'],
  [/point information jeunesse|\bPIJ\b|\bBIJ\b/i, 'PIJ_BIJ'],
  [/tiers.lieu/i, 'TIERS_LIEUX'],
  [/maison départementale des solidarités|\bMDS\b/i, 'MDS'],
  [/association/i, 'ASSO'],
];

/** v1 `modes_accueil` ↔ Relais modalities (à domicile and itinérant have no v1 value). */
export const modeAccueilToModality: Readonly<Record<string, Modality>> = { 'en-presentiel': 'sur-place', 'a-distance': 'a-distance' };
export const modalityToModeAccueil: Readonly<Partial<Record<Modality, string>>> = { 'sur-place': 'en-presentiel', 'a-distance': 'a-distance' };

/** v1 `modes_mobilisation` ↔ the kind of referral method, with the v1 field that carries its value. */
export const mobilisationToKind: Readonly<Record<string, { kind: ReferralMethodKind; field: 'courriel' | 'telephone' | 'lien_mobilisation' }>> = {
  'envoyer-un-courriel': { kind: 'email', field: 'courriel' },
  telephoner: { kind: 'telephone', field: 'telephone' },
  'utiliser-lien-mobilisation': { kind: 'lien', field: 'lien_mobilisation' },
};
