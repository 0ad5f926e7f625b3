import { fromSchemaLieuDeMediationNumerique, type LieuMediationNumerique, type SchemaLieuMediationNumerique } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { parse } from 'csv-parse/sync';
import { communeByPostalCode, isCommuneCode } from '../../communes/referentiel';
import { parseOpeningHours } from '../../lieux/opening-hours';
import type { AccessibilityFeature, Fee, Label, Modality, Public, ServiceRole, Thematique, Typology } from '../../shared/vocabulary';
import { typologies } from '../../shared/vocabulary';
import { asNumber, asString, MalformedFileError, type PlannedRow } from '../import-plan';

/**
 * The *Lieux de médiation numérique* standard (CSV or JSON, one lieu per row). Each row is checked
 * with ANCT's own library (`@gouvfr-anct/lieux-de-mediation-numerique`), whose error names the faulty
 * field, then becomes a structure, its lieu and one service whose roles come from the row's
 * *modalités d'accompagnement*.
 */
const SOURCE = 'lieux-mediation-numerique';

/** The LMN standard's services onto data·inclusion v1's thématiques (its 4 `numerique--` and the domain helped with). */
const serviceToThematiques: Record<string, Thematique[]> = {
  'Aide aux démarches administratives': ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'],
  'Maîtrise des outils numériques du quotidien': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'Insertion professionnelle via le numérique': ['numerique--maitriser-les-fondamentaux-du-numerique', 'trouver-un-emploi--repondre-a-des-offres-demploi'],
  'Utilisation sécurisée du numérique': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'Parentalité et éducation avec le numérique': ['famille--soutien-a-la-parentalite-et-a-leducation'],
  'Loisirs et créations numériques': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'Compréhension du monde numérique': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'Accès internet et matériel informatique': ['numerique--acceder-a-une-connexion-internet', 'numerique--acquerir-un-equipement'],
  'Acquisition de matériel informatique à prix solidaire': ['numerique--acquerir-un-equipement'],
};

const modaliteToRoles: Record<string, ServiceRole[]> = {
  'En autonomie': ['acces-libre'],
  'Accompagnement individuel': ['accompagnement'],
  'Dans un atelier collectif': ['formation'],
  'À distance': ['accompagnement'],
};

export const publicMap: Record<string, Public> = { Jeunes: 'jeunes', Étudiants: 'etudiants', 'Familles et/ou enfants': 'familles', Seniors: 'seniors', Femmes: 'femmes' };
const fraisMap: Record<string, Fee> = { Gratuit: 'gratuit', 'Gratuit sous condition': 'gratuit', Payant: 'payant' };
export const priseEnChargeMap: Record<string, AccessibilityFeature> = {
  Surdité: 'surdite',
  'Handicaps moteurs': 'handicap-moteur',
  'Handicaps mentaux': 'handicap-mental',
  Illettrisme: 'illettrisme',
  'Langues étrangères (anglais)': 'langues-etrangeres',
  'Langues étrangères (autres)': 'langues-etrangeres',
  'Déficience visuelle': 'deficience-visuelle',
};
export const dispositifToLabel: Record<string, Label> = {
  'Aidants Connect': 'aidants-connect',
  'France Services': 'france-services',
  'Conseillers numériques': 'conseiller-numerique',
  'Pass numérique': 'pass-numerique',
  'Emmaüs Connect': 'label-emmaus-connect',
};

type Raw = Record<string, unknown>;

export function planLieuxMediationNumerique(content: string, kind: 'csv' | 'json'): PlannedRow[] {
  let records: Raw[];
  if (kind === 'json') {
    let document: unknown;
    try {
      document = JSON.parse(content);
    } catch (error) {
      throw new MalformedFileError(`le fichier n'est pas du JSON lisible (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!Array.isArray(document)) throw new MalformedFileError('attendu un tableau JSON de lieux au schéma des lieux de médiation numérique');
    records = document as Raw[];
  } else {
    try {
      records = parse<Raw>(content, { columns: true, skip_empty_lines: true, bom: true, trim: true, delimiter: content.split('\n')[0]?.includes(';') && !content.split('\n')[0]?.includes(',') ? ';' : ',' });
    } catch (error) {
      throw new MalformedFileError(`CSV illisible : ${error instanceof Error ? error.message : String(error)}`);
    }
    const header = Object.keys(records[0] ?? {});
    const missing = ['id', 'nom', 'adresse', 'commune', 'code_postal', 'date_maj'].filter((column) => !header.includes(column));
    if (records.length > 0 && missing.length > 0) throw new MalformedFileError(`colonnes obligatoires absentes : ${missing.join(', ')}`);
  }
  // The header is row 1 of a CSV, so data rows count from 2 there, from 1 in JSON. An empty cell is an
  // absent field (the standard's optional columns), not an empty value to validate.
  return records.map((record, index) =>
    lieuRow(record && typeof record === 'object' ? Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '' && v !== null)) : record, index + (kind === 'csv' ? 2 : 1)),
  );
}

function lieuRow(record: Raw, row: number): PlannedRow {
  const id = asString(record['id']) ?? '';
  const sourceId = `${asString(record['source']) ?? SOURCE}:${id}`;
  const label = asString(record['nom']) ?? sourceId;
  const base: PlannedRow = { row, kind: 'structure', sourceId, label, problems: [], services: [] };
  if (!record || typeof record !== 'object') return { ...base, problems: ['la ligne n’est pas un objet'] };
  let lieu: LieuMediationNumerique;
  try {
    const latitude = asNumber(record['latitude']);
    const longitude = asNumber(record['longitude']);
    lieu = fromSchemaLieuDeMediationNumerique({
      ...(record as unknown as SchemaLieuMediationNumerique),
      ...(latitude !== undefined ? { latitude } : {}),
      ...(longitude !== undefined ? { longitude } : {}),
    });
  } catch (error) {
    return { ...base, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const problems: string[] = [];
  let communeCode = lieu.adresse.code_insee;
  if (!communeCode) communeCode = communeByPostalCode(lieu.adresse.code_postal, lieu.adresse.commune)?.code;
  if (!communeCode || !isCommuneCode(communeCode)) problems.push(`commune introuvable (code_insee ${lieu.adresse.code_insee ?? 'absent'}, code postal ${lieu.adresse.code_postal})`);
  if (lieu.horaires) {
    const parsed = parseOpeningHours(lieu.horaires);
    if (!parsed.ok) problems.push(`horaires illisibles (OSM opening_hours) : ${parsed.message}`);
  }
  const labels = [...new Set((lieu.dispositif_programmes_nationaux ?? []).map((d) => dispositifToLabel[d]).filter((l): l is Label => l !== undefined))];
  const typology = (lieu.typologies ?? []).map(String).find((t) => (typologies as readonly string[]).includes(t)) as Typology | undefined;
  const modalites = (lieu.modalites_accompagnement ?? []).map(String);
  let roles = [...new Set(modalites.flatMap((m) => modaliteToRoles[m] ?? []))];
  if (labels.includes('aidants-connect')) roles.push('faire-a-la-place');
  if ((lieu.services ?? []).map(String).includes('Accès internet et matériel informatique')) roles.push('equipement');
  roles = [...new Set(roles)];
  if (roles.length === 0) roles = ['accompagnement'];
  const thematiques = [...new Set((lieu.services ?? []).flatMap((s) => serviceToThematiques[String(s)] ?? []))];
  const modalities: Modality[] = ['sur-place', ...(modalites.includes('À distance') ? (['a-distance'] as Modality[]) : []), ...((lieu.itinerance ?? []).length ? (['itinerant'] as Modality[]) : [])];
  const website = lieu.contact?.site_web?.[0];
  const email = lieu.contact?.courriels?.[0];
  return {
    ...base,
    problems,
    verifiedAt: lieu.date_maj,
    structure: {
      name: lieu.nom,
      siret: /^\d{14}$/.test(lieu.pivot) && lieu.pivot !== '00000000000000' ? lieu.pivot : null,
      typology: typology ?? (labels.includes('france-services') ? 'RFS' : 'EPN'),
      description: lieu.presentation?.detail ?? lieu.presentation?.resume ?? null,
      contact: { email: email ? String(email) : null, phone: lieu.contact?.telephone ? String(lieu.contact.telephone) : null, website: website ? String(website) : null },
      labels,
      ...(communeCode ? { communeCode } : {}),
    },
    lieu: {
      name: lieu.nom,
      street: [lieu.adresse.voie, lieu.adresse.complement_adresse].filter(Boolean).join(', ') || null,
      postalCode: lieu.adresse.code_postal,
      communeCode: communeCode ?? '',
      latitude: lieu.localisation?.latitude ?? null,
      longitude: lieu.localisation?.longitude ?? null,
      openingHours: lieu.horaires ?? null,
      accessibility: { wheelchair: null, acceslibreUrl: lieu.fiche_acces_libre ? String(lieu.fiche_acces_libre) : null, details: null },
    },
    services: [
      {
        sourceId: `${sourceId}#mediation`,
        atStructureLieu: true,
        input: {
          name: `Médiation numérique — ${lieu.nom}`,
          description: lieu.presentation?.resume ?? null,
          roles,
          thematiques,
          publics: [...new Set((lieu.publics_specifiquement_adresses ?? []).map((p) => publicMap[String(p)]).filter((p): p is Public => p !== undefined))].concat(
            (lieu.publics_specifiquement_adresses ?? []).length ? [] : ['tous-publics'],
          ),
          accessibilityFeatures: [...new Set((lieu.prise_en_charge_specifique ?? []).map((p) => priseEnChargeMap[String(p)]).filter((p): p is AccessibilityFeature => p !== undefined))],
          modalities,
          fees: [...new Set((lieu.frais_a_charge ?? []).map((f) => fraisMap[String(f)]).filter((f): f is Fee => f !== undefined))],
          // data·inclusion v1 knows gratuit or payant: the condition is said in words.
          ...((lieu.frais_a_charge ?? []).map(String).includes('Gratuit sous condition') ? { feesDetails: 'Gratuit sous condition' } : {}),
          referralMethods: lieu.prise_rdv ? [{ kind: 'lien', value: String(lieu.prise_rdv) }] : [],
        },
      },
    ],
  };
}
