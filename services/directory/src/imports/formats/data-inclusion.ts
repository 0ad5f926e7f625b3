import { communeByPostalCode, isCommuneCode } from '../../communes/referentiel';
import { parseOpeningHours } from '../../lieux/opening-hours';
import type { Fee, Label, Modality, Public, ReferralMethodKind, ServiceRole, Thematique, Typology } from '../../shared/vocabulary';
import { fees, publics, thematiques, typologies } from '../../shared/vocabulary';
import { thematiquesBeforeV1 } from '@relais/contracts';
import { asList, asNumber, asString, MalformedFileError, parseDate, type PlannedRow } from '../import-plan';

/**
 * data·inclusion (schéma des structures et services d'insertion): a JSON document
 * `{ "structures": [...], "services": [...] }`, as its API and open-data exports give them. Each
 * structure becomes a structure with one lieu at its address; each service, a service at that lieu.
 * Vocabulary is mapped onto the directory's (types → roles, thématiques, profils/publics, frais,
 * modes d'accueil and d'orientation); what has no counterpart is dropped, never guessed.
 */
const SOURCE = 'data-inclusion';

const typeToRoles: Record<string, ServiceRole[]> = {
  accompagnement: ['accompagnement'],
  atelier: ['formation'],
  formation: ['formation'],
  information: ['orientation'],
  autonomie: ['acces-libre'],
  delegation: ['faire-a-la-place'],
  'aide-materielle': ['equipement'],
  numerique: ['accompagnement'],
  diagnostic: ['diagnostic'],
};

const profilToPublic: Record<string, Public> = {
  'tous-publics': 'tous-publics',
  seniors: 'seniors',
  'seniors-65': 'seniors',
  retraites: 'seniors',
  jeunes: 'jeunes',
  'jeunes-16-26': 'jeunes',
  etudiants: 'etudiants',
  familles: 'familles',
  'familles-enfants': 'familles',
  femmes: 'femmes',
  'demandeurs-emploi': 'demandeurs-emploi',
  'demandeurs-demploi': 'demandeurs-emploi',
  salaries: 'actifs',
  'beneficiaires-rsa': 'beneficiaires-des-minimas-sociaux',
  'beneficiaires-minima-sociaux': 'beneficiaires-des-minimas-sociaux',
  'personnes-handicapees': 'personnes-en-situation-de-handicap',
  'personnes-en-situation-de-handicap': 'personnes-en-situation-de-handicap',
  'personnes-de-nationalite-etrangere': 'personnes-exilees',
  'personnes-exilees': 'personnes-exilees',
  'sans-domicile-fixe': 'personnes-en-situation-durgence',
  'personnes-sans-domicile': 'personnes-en-situation-durgence',
};

const labelMap: Record<string, Label> = {
  'france-service': 'france-services',
  'france-services': 'france-services',
  'aidants-connect': 'aidants-connect',
  'conseiller-numerique': 'conseiller-numerique',
  'conseillers-numeriques': 'conseiller-numerique',
  'pass-numerique': 'pass-numerique',
};

const orientationToKind: Record<string, ReferralMethodKind> = {
  'envoyer-un-mail': 'email',
  'envoyer-un-mail-avec-une-fiche-de-prescription': 'email',
  'envoyer-un-mail-avec-des-documents-a-completer': 'email',
  telephoner: 'telephone',
  'completer-le-formulaire-dadhesion': 'lien',
};

type Json = Record<string, unknown>;

export function planDataInclusion(content: string): PlannedRow[] {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new MalformedFileError(`le fichier n'est pas du JSON lisible (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!document || typeof document !== 'object' || !Array.isArray((document as Json)['structures'])) {
    throw new MalformedFileError('attendu un objet JSON { "structures": [...], "services": [...] } au schéma data·inclusion');
  }
  const structures = (document as Json)['structures'] as unknown[];
  const services = Array.isArray((document as Json)['services']) ? ((document as Json)['services'] as unknown[]) : [];
  const rows: PlannedRow[] = [];
  const labelsOf = new Map<string, Label[]>();
  structures.forEach((raw, index) => {
    const row = structureRow(raw, index + 1);
    labelsOf.set(row.sourceId, row.structure?.labels ?? []);
    rows.push(row);
  });
  services.forEach((raw, index) => rows.push(serviceRow(raw, structures.length + index + 1, labelsOf)));
  return rows;
}

function sourceKey(item: Json, idField = 'id'): string {
  return `${asString(item['source']) ?? SOURCE}:${asString(item[idField]) ?? ''}`;
}

function structureRow(raw: unknown, row: number): PlannedRow {
  if (!raw || typeof raw !== 'object') return { row, kind: 'structure', sourceId: '?', label: '?', problems: ['la ligne n’est pas un objet JSON'], services: [] };
  const item = raw as Json;
  const problems: string[] = [];
  const id = asString(item['id']);
  if (!id) problems.push('id manquant');
  const name = asString(item['nom']) ?? '';
  const postalCode = asString(item['code_postal']);
  let communeCode = asString(item['code_insee']) ?? asString(item['_di_geocodage_code_insee']);
  if (!communeCode && postalCode) communeCode = communeByPostalCode(postalCode, asString(item['commune']))?.code;
  if (!communeCode) problems.push('commune introuvable : ni code_insee, ni code_postal reconnu');
  else if (!isCommuneCode(communeCode)) problems.push(`code_insee « ${communeCode} » inconnu`);
  const typology = asString(item['typologie'])?.toUpperCase();
  const hours = asString(item['horaires_ouverture']);
  if (hours) {
    const parsed = parseOpeningHours(hours);
    if (!parsed.ok) problems.push(`horaires_ouverture illisibles (OSM opening_hours) : ${parsed.message}`);
  }
  const latitude = asNumber(item['latitude']);
  const longitude = asNumber(item['longitude']);
  const labels = [...asList(item['labels_nationaux']), ...asList(item['labels_autres'])].map((l) => labelMap[l.toLowerCase()]).filter((l): l is Label => l !== undefined);
  const sourceId = sourceKey(item);
  return {
    row,
    kind: 'structure',
    sourceId,
    label: name || sourceId,
    problems,
    verifiedAt: parseDate(item['date_maj']),
    structure: {
      name,
      siret: asString(item['siret'])?.replace(/\s/g, '') ?? null,
      rna: asString(item['rna']) ?? null,
      typology: typology && (typologies as readonly string[]).includes(typology) ? (typology as Typology) : 'AUTRE',
      description: asString(item['presentation_detail']) ?? asString(item['presentation_resume']) ?? null,
      contact: { email: asString(item['courriel']) ?? null, phone: asString(item['telephone']) ?? null, website: asString(item['site_web']) ?? null },
      labels: [...new Set(labels)],
      ...(communeCode ? { communeCode } : {}),
    },
    lieu: {
      name,
      street: [asString(item['adresse']), asString(item['complement_adresse'])].filter(Boolean).join(', ') || null,
      postalCode: postalCode ?? null,
      communeCode: communeCode ?? '',
      latitude: latitude !== undefined && longitude !== undefined ? latitude : null,
      longitude: latitude !== undefined && longitude !== undefined ? longitude : null,
      openingHours: hours ?? null,
      accessibility: { wheelchair: null, acceslibreUrl: asString(item['accessibilite']) ?? null, details: null },
    },
    services: [],
  };
}

function serviceRow(raw: unknown, row: number, labelsOf: Map<string, Label[]>): PlannedRow {
  if (!raw || typeof raw !== 'object') return { row, kind: 'service', sourceId: '?', label: '?', problems: ['la ligne n’est pas un objet JSON'], services: [] };
  const item = raw as Json;
  const problems: string[] = [];
  const name = asString(item['nom']) ?? '';
  if (!asString(item['id'])) problems.push('id manquant');
  const structureSourceId = sourceKey(item, 'structure_id');
  if (!asString(item['structure_id'])) problems.push('structure_id manquant');
  else if (!labelsOf.has(structureSourceId)) problems.push(`structure ${structureSourceId} absente du fichier`);
  const labels = labelsOf.get(structureSourceId) ?? [];
  let roles = [...new Set(asList(item['types']).flatMap((type) => typeToRoles[type] ?? []))];
  // Doing a procedure for the person needs the habilitation: without it, the service accompanies.
  if (roles.includes('faire-a-la-place') && !labels.includes('aidants-connect')) {
    roles = [...new Set(roles.map((r): ServiceRole => (r === 'faire-a-la-place' ? 'accompagnement' : r)))];
  }
  if (roles.length === 0) roles = ['orientation'];
  const themes = asList(item['thematiques']);
  const mapped = new Set<Thematique>();
  for (const theme of themes) {
    if ((thematiques as readonly string[]).includes(theme)) mapped.add(theme as Thematique);
    if (Object.hasOwn(thematiquesBeforeV1, theme)) for (const later of thematiquesBeforeV1[theme] ?? []) mapped.add(later);
  }
  const profils = [...asList(item['publics']), ...asList(item['profils'])].map((p) => profilToPublic[p]).filter((p): p is Public => p !== undefined && (publics as readonly string[]).includes(p));
  const modes = asList(item['modes_accueil']);
  const modalities: Modality[] = [...(modes.includes('en-presentiel') || modes.length === 0 ? (['sur-place'] as Modality[]) : []), ...(modes.includes('a-distance') ? (['a-distance'] as Modality[]) : [])];
  const frais = asList(item['frais']).filter((f): f is Fee => (fees as readonly string[]).includes(f));
  const kinds = [...new Set(asList(item['modes_orientation_accompagnateur']).map((m) => orientationToKind[m]).filter((k): k is ReferralMethodKind => k !== undefined))];
  const referralMethods = kinds
    .map((kind) => ({ kind, value: kind === 'email' ? asString(item['courriel']) : kind === 'telephone' ? asString(item['telephone']) : asString(item['formulaire_en_ligne']) ?? asString(item['prise_rdv']) }))
    .filter((m): m is { kind: ReferralMethodKind; value: string } => m.value !== undefined);
  const sourceId = sourceKey(item);
  return {
    row,
    kind: 'service',
    sourceId,
    label: name || sourceId,
    problems,
    structureSourceId,
    verifiedAt: parseDate(item['date_maj']),
    services: [
      {
        sourceId,
        atStructureLieu: modalities.includes('sur-place'),
        input: {
          name,
          description: asString(item['presentation_detail']) ?? asString(item['presentation_resume']) ?? null,
          roles,
          thematiques: [...mapped],
          publics: profils.length ? [...new Set(profils)] : ['tous-publics'],
          modalities: modalities.length ? modalities : ['sur-place'],
          fees: [...new Set(frais)],
          feesDetails: asString(item['frais_autres']) ?? null,
          referralMethods,
        },
      },
    ],
  };
}
