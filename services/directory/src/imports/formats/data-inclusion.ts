import { communeByPostalCode, isCommuneCode } from '../../communes/referentiel';
import { canonicalOpeningHours, parseOpeningHours } from '../../lieux/opening-hours';
import type { Fee, Label, Modality, Public, ReferralMethodKind, ServiceRole, Thematique, Typology } from '../../shared/vocabulary';
import { asList, asNumber, asString, parseDate, type PlannedRow } from '../import-plan';
import { readDataInclusionRecords, schemaErrors, type Json, type SourceRecord } from './data-inclusion-records';
import { mobilisationToKind, modeAccueilToModality, reseauToLabel, reseauToTypology, typeToRoles, typologyFromName } from './data-inclusion-mapping';

/**
 * data·inclusion v1 (schéma des structures et services d'insertion, 1.0.8): structures and services from a
 * file (JSON array, NDJSON, CSV, `{ structures, services }`) or a page of its API. v0 is refused
 * (data-inclusion-records.ts). Each record is checked against the official v1 schema first: a record with
 * any error is rejected with every error and its path. Then a structure becomes a structure with one lieu at
 * its address; a service, a service at its structure's lieu (or at its own, when it has its own address).
 * Every field that has a place in the directory is kept; each one that has none is named in the row's
 * notes with the reason, never dropped silently (docs/standards.md, data·inclusion v1).
 */
const SOURCE = 'data-inclusion';

/** Fields the data·inclusion API adds around the schema's (quality score, duplicates…): not data, not reported. */
const API_ANNOTATIONS = new Set(['score_qualite', 'doublons', 'distance', 'structure', 'cluster_id']);

const STRUCTURE_FIELDS_WITHOUT_PLACE: Record<string, string> = {
  lien_source: 'l’annuaire ne garde pas de lien vers la fiche du producteur (la source et son identifiant sont gardés)',
};

const SERVICE_FIELDS_WITHOUT_PLACE: Record<string, string> = {
  publics_precisions: 'l’annuaire n’a pas de précisions sur les publics',
  conditions_acces: 'l’annuaire n’a pas de conditions d’accès',
  mobilisation_precisions: 'l’annuaire n’a pas de précisions sur la mobilisation',
  mobilisable_par: 'l’annuaire ne distingue pas qui peut mobiliser le service (usagers, professionnels)',
  contact_nom_prenom: 'l’annuaire ne publie pas de nom de personne pour un service (les référents sont ceux de la structure)',
  nombre_semaines: 'l’annuaire n’a pas de durée en semaines',
  volume_horaire_hebdomadaire: 'l’annuaire n’a pas de volume horaire',
  zone_eligibilite: 'la zone servie est celle des réseaux locaux et des lieux du service',
  lien_source: 'l’annuaire ne garde pas de lien vers la fiche du producteur (la source et son identifiant sont gardés)',
};

const STRUCTURE_FIELDS = new Set([
  'source', 'id', 'nom', 'date_maj', 'siret', 'description', 'adresse', 'complement_adresse', 'code_postal', 'code_insee', 'commune',
  'latitude', 'longitude', 'telephone', 'courriel', 'site_web', 'horaires_accueil', 'accessibilite_lieu', 'reseaux_porteurs',
  ...Object.keys(STRUCTURE_FIELDS_WITHOUT_PLACE),
]);
const SERVICE_FIELDS = new Set([
  'source', 'id', 'structure_id', 'nom', 'date_maj', 'description', 'type', 'thematiques', 'publics', 'frais', 'frais_precisions',
  'modes_accueil', 'modes_mobilisation', 'lien_mobilisation', 'courriel', 'telephone', 'horaires_accueil', 'adresse',
  'complement_adresse', 'code_postal', 'code_insee', 'commune', 'latitude', 'longitude', ...Object.keys(SERVICE_FIELDS_WITHOUT_PLACE),
]);

export function planDataInclusion(content: string, encoding?: 'csv' | 'json'): PlannedRow[] {
  const records = readDataInclusionRecords(content, encoding);
  const structures = new Map(records.filter((r) => r.kind === 'structure').map((r) => [sourceKey(r.value), r.value]));
  return records.map((record) => (record.kind === 'structure' ? structureRow(record) : serviceRow(record, structures)));
}

function sourceKey(item: Json, idField = 'id'): string {
  return `${asString(item['source']) ?? SOURCE}:${asString(item[idField]) ?? ''}`;
}

/** Fields the row holds with a value that the directory does not keep: one note each, with why. */
function notesForFields(item: Json, known: Set<string>, withoutPlace: Record<string, string>): string[] {
  const notes: string[] = [];
  for (const [field, value] of Object.entries(item)) {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    if (field.startsWith('_') || API_ANNOTATIONS.has(field)) continue;
    if (Object.hasOwn(withoutPlace, field)) notes.push(`${field} non repris : ${withoutPlace[field]}`);
    else if (!known.has(field)) notes.push(`${field} non repris : champ inconnu du schéma data·inclusion v1`);
  }
  return notes;
}

interface Address {
  communeCode?: string;
  problems: string[];
  lieu?: NonNullable<PlannedRow['lieu']>;
  notes: string[];
}

/** The lieu at a record's address, with its opening hours; unreadable hours are left out and noted. */
function addressOf(item: Json, name: string, field = 'horaires_accueil'): Address {
  const problems: string[] = [];
  const notes: string[] = [];
  const postalCode = asString(item['code_postal']);
  let communeCode = asString(item['code_insee']);
  if (!communeCode && postalCode) communeCode = communeByPostalCode(postalCode, asString(item['commune']))?.code;
  if (!communeCode) problems.push('commune introuvable : ni code_insee, ni code_postal reconnu (l’annuaire situe chaque lieu dans une commune)');
  else if (!isCommuneCode(communeCode)) problems.push(`code_insee « ${communeCode} » inconnu`);
  const hours = asString(item[field]);
  let openingHours: string | null = null;
  if (hours) {
    const parsed = parseOpeningHours(hours);
    if (parsed.ok) openingHours = canonicalOpeningHours(hours);
    else notes.push(`${field} non repris : illisible au format OSM opening_hours (${parsed.message}) ; le lieu est importé sans horaires`);
  }
  const latitude = asNumber(item['latitude']);
  const longitude = asNumber(item['longitude']);
  return {
    problems,
    notes,
    ...(communeCode ? { communeCode } : {}),
    lieu: {
      name,
      street: [asString(item['adresse']), asString(item['complement_adresse'])].filter(Boolean).join(', ') || null,
      postalCode: postalCode ?? null,
      communeCode: communeCode ?? '',
      latitude: latitude !== undefined && longitude !== undefined ? latitude : null,
      longitude: latitude !== undefined && longitude !== undefined ? longitude : null,
      openingHours,
      accessibility: { wheelchair: null, acceslibreUrl: asString(item['accessibilite_lieu']) ?? null, details: null },
    },
  };
}

function structureRow(record: SourceRecord): PlannedRow {
  const item = record.value;
  const sourceId = sourceKey(item);
  const name = asString(item['nom']) ?? '';
  const base: PlannedRow = { row: record.row, kind: 'structure', sourceId, label: name || sourceId, problems: [], notes: [], services: [] };
  const invalid = schemaErrors(record);
  if (invalid.length > 0) return { ...base, problems: invalid };

  const address = addressOf(item, name);
  const notes = [...notesForFields(item, STRUCTURE_FIELDS, STRUCTURE_FIELDS_WITHOUT_PLACE), ...address.notes];
  const reseaux = asList(item['reseaux_porteurs']);
  const labels = [...new Set(reseaux.map((r) => reseauToLabel[r]).filter((l): l is Label => l !== undefined))];
  const typology: Typology = reseaux.map((r) => reseauToTypology[r]).find((t) => t !== undefined) ?? typologyFromName.find(([pattern]) => pattern.test(name))?.[1] ?? 'AUTRE';
  for (const reseau of reseaux) {
    if (!reseauToLabel[reseau] && !reseauToTypology[reseau]) notes.push(`reseaux_porteurs « ${reseau} » non repris : ce réseau n’est ni une typologie ni un label de l’annuaire`);
  }
  return {
    ...base,
    problems: address.problems,
    notes,
    verifiedAt: parseDate(item['date_maj']),
    structure: {
      name,
      siret: asString(item['siret']) ?? null,
      typology,
      description: asString(item['description']) ?? null,
      contact: { email: asString(item['courriel']) ?? null, phone: asString(item['telephone']) ?? null, website: asString(item['site_web']) ?? null },
      labels,
      ...(address.communeCode ? { communeCode: address.communeCode } : {}),
    },
    ...(address.lieu ? { lieu: address.lieu } : {}),
  };
}

function serviceRow(record: SourceRecord, structures: Map<string, Json>): PlannedRow {
  const item = record.value;
  const sourceId = sourceKey(item);
  const name = asString(item['nom']) ?? '';
  const structureSourceId = sourceKey(item, 'structure_id');
  const base: PlannedRow = { row: record.row, kind: 'service', sourceId, label: name || sourceId, problems: [], notes: [], services: [], structureSourceId };
  const invalid = schemaErrors(record);
  if (invalid.length > 0) return { ...base, problems: invalid };

  const notes = notesForFields(item, SERVICE_FIELDS, SERVICE_FIELDS_WITHOUT_PLACE);
  const type = asString(item['type']);
  let roles: ServiceRole[] = type && Object.hasOwn(typeToRoles, type) ? [...typeToRoles[type as keyof typeof typeToRoles]] : [];
  if (type === 'aide-financiere') notes.push('type « aide-financiere » : l’annuaire n’a pas de rôle d’aide financière, le service est importé avec le rôle accompagnement');
  if (roles.length === 0) {
    roles = ['orientation'];
    notes.push('type absent : le service est importé avec le rôle orientation');
  }
  const modes = asList(item['modes_accueil']);
  const modalities = [...new Set(modes.map((m) => modeAccueilToModality[m]).filter((m): m is Modality => m !== undefined))];

  // A service with its own address is rendered at its own lieu; otherwise at its structure's.
  const structure = structures.get(structureSourceId);
  const ownAddress = asString(item['code_insee']) !== undefined || asString(item['code_postal']) !== undefined;
  const sameAsStructure = structure !== undefined && ['code_insee', 'code_postal', 'adresse', 'complement_adresse'].every((f) => asString(item[f]) === asString(structure[f]));
  let lieu: PlannedRow['lieu'];
  const problems: string[] = [];
  if (ownAddress && !sameAsStructure) {
    const address = addressOf(item, name);
    problems.push(...address.problems);
    notes.push(...address.notes);
    lieu = address.lieu;
  } else if (asString(item['horaires_accueil']) && (!structure || asString(item['horaires_accueil']) !== asString(structure['horaires_accueil']))) {
    notes.push('horaires_accueil non repris : l’annuaire porte les horaires par lieu, et ce service n’a pas d’adresse propre (ce sont ceux du lieu de sa structure)');
  }

  const referralMethods: Array<{ kind: ReferralMethodKind; value: string }> = [];
  const usedFields = new Set<string>();
  for (const mode of asList(item['modes_mobilisation'])) {
    const method = mobilisationToKind[mode];
    if (!method) {
      notes.push(`modes_mobilisation « ${mode} » non repris : l’annuaire n’a pas ce mode d’orientation (ses lieux et horaires disent où se présenter)`);
      continue;
    }
    const value = asString(item[method.field]);
    if (!value) notes.push(`modes_mobilisation « ${mode} » non repris : ${method.field} absent`);
    else {
      referralMethods.push({ kind: method.kind, value });
      usedFields.add(method.field);
    }
  }
  for (const field of ['courriel', 'telephone', 'lien_mobilisation'] as const) {
    if (asString(item[field]) && !usedFields.has(field)) notes.push(`${field} non repris : l’annuaire garde un contact de service comme mode d’orientation, et modes_mobilisation ne le cite pas`);
  }

  const frais = asString(item['frais']);
  const publicValues = asList(item['publics']) as Public[];
  return {
    ...base,
    problems,
    notes,
    verifiedAt: parseDate(item['date_maj']),
    ...(lieu ? { lieu } : {}),
    services: [
      {
        sourceId,
        atStructureLieu: !lieu && (modalities.length === 0 || modalities.includes('sur-place')),
        input: {
          name,
          description: asString(item['description']) ?? null,
          roles,
          thematiques: asList(item['thematiques']) as Thematique[],
          publics: publicValues.length ? publicValues : ['tous-publics'],
          modalities: modalities.length ? modalities : ['sur-place'],
          fees: frais ? [frais as Fee] : [],
          feesDetails: asString(item['frais_precisions']) ?? null,
          referralMethods,
        },
      },
    ],
  };
}
