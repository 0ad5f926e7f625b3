import { parse } from 'csv-parse/sync';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MalformedFileError } from '../import-plan';
import { serviceSchema, structureSchema } from './data-inclusion-v1/schemas';

/**
 * Reading a data·inclusion v1 file into records, before any mapping: the shapes data·inclusion publishes
 * (a JSON array, NDJSON, CSV, `{ structures, services }`, or a page of its API `{ items, total, page, size,
 * pages }`), the refusal of v0, and the check of each record against the official v1 JSON Schemas.
 */
export type Json = Record<string, unknown>;

export interface SourceRecord {
  /** Position in the file, as a person counts: the line of a CSV or NDJSON, the item of a JSON list. */
  row: number;
  kind: 'structure' | 'service';
  value: Json;
}

/** Fields of v0 that v1 renamed or dropped (the schema's changelog, 1.0.7: "abandon v0"). */
const V0_FIELDS = [
  'typologie',
  'horaires_ouverture',
  'presentation_resume',
  'presentation_detail',
  'types',
  'profils',
  'labels_nationaux',
  'labels_autres',
  'accessibilite',
  'antenne',
  'frais_autres',
  'prise_rdv',
  'formulaire_en_ligne',
  'modes_orientation_accompagnateur',
  'modes_orientation_beneficiaire',
  'modes_orientation_accompagnateur_autres',
  'modes_orientation_beneficiaire_autres',
  'zone_diffusion_type',
  'zone_diffusion_code',
  'pre_requis',
  'justificatifs',
  'cumulable',
  'contact_public',
  'recurrence',
];

/** List-valued fields of v1, which a CSV carries as text. */
const LIST_FIELDS = new Set(['reseaux_porteurs', 'thematiques', 'publics', 'modes_accueil', 'modes_mobilisation', 'mobilisable_par', 'zone_eligibilite']);
const NUMBER_FIELDS = new Set(['latitude', 'longitude', 'nombre_semaines', 'volume_horaire_hebdomadaire']);

export function readDataInclusionRecords(content: string, encoding?: 'csv' | 'json'): SourceRecord[] {
  const text = content.replace(/^\uFEFF/, '');
  const start = text.trimStart()[0];
  const records = encoding === 'csv' || (start !== '[' && start !== '{') ? readCsv(text) : readJson(text);
  refuseV0(records);
  // A structure is written before the services that point at it, wherever they are in the file.
  return [...records.filter((r) => r.kind === 'structure'), ...records.filter((r) => r.kind === 'service')];
}

const kindOf = (value: Json): 'structure' | 'service' => (Object.hasOwn(value, 'structure_id') ? 'service' : 'structure');

function asRecords(values: unknown[], firstRow = 1, kind?: 'structure' | 'service'): SourceRecord[] {
  return values.map((value, index) => {
    const object = value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : { _invalide: value };
    return { row: firstRow + index, kind: kind ?? kindOf(object), value: object };
  });
}

function readJson(text: string): SourceRecord[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // Not one JSON document: NDJSON (one record per line), as data·inclusion's bulk exports give them.
    const lines = text.split('\n');
    if (lines.filter((line) => line.trim() !== '').length > 1) return readNdjson(lines);
    throw new MalformedFileError(`le fichier n'est pas du JSON lisible (${error instanceof Error ? error.message : String(error)})`);
  }
  if (Array.isArray(document)) return asRecords(document);
  if (document && typeof document === 'object') {
    const object = document as Json;
    // A page of data·inclusion's API: GET /api/v1/structures or /api/v1/services.
    if (Array.isArray(object['items'])) return asRecords(object['items'] as unknown[]);
    if (Array.isArray(object['structures'])) {
      const structures = object['structures'] as unknown[];
      const services = Array.isArray(object['services']) ? (object['services'] as unknown[]) : [];
      return [...asRecords(structures, 1, 'structure'), ...asRecords(services, structures.length + 1, 'service')];
    }
    if (typeof object['id'] === 'string') return asRecords([object]);
  }
  throw new MalformedFileError(
    'attendu des structures ou des services data·inclusion v1 : un tableau JSON, du NDJSON, un CSV, { "structures": [...], "services": [...] } ou une page de l’API { "items": [...] }',
  );
}

function readNdjson(lines: string[]): SourceRecord[] {
  const records: SourceRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new MalformedFileError(`NDJSON illisible à la ligne ${index + 1} (${error instanceof Error ? error.message : String(error)})`);
    }
    records.push(...asRecords([value], index + 1));
  });
  return records;
}

function readCsv(text: string): SourceRecord[] {
  const firstLine = text.split('\n')[0] ?? '';
  let rows: Array<Record<string, string>>;
  try {
    rows = parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true, trim: true, delimiter: firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',' });
  } catch (error) {
    throw new MalformedFileError(`CSV illisible : ${error instanceof Error ? error.message : String(error)}`);
  }
  if (rows.length > 0 && !Object.hasOwn(rows[0] ?? {}, 'id')) throw new MalformedFileError('colonne « id » absente : ce n’est pas un CSV data·inclusion');
  // The header is line 1, so data rows count from 2.
  return asRecords(rows.map(fromCsvRow), 2);
}

/** A CSV cell is text: empty is absent, numbers are numbers, lists are JSON (`["a","b"]`), Postgres (`{a,b}`) or comma-separated. */
function fromCsvRow(row: Record<string, string>): Json {
  const value: Json = {};
  for (const [key, cell] of Object.entries(row)) {
    if (cell === '') continue;
    if (LIST_FIELDS.has(key)) value[key] = csvList(cell);
    else if (NUMBER_FIELDS.has(key) && cell.trim() !== '' && Number.isFinite(Number(cell))) value[key] = Number(cell);
    else value[key] = cell;
  }
  return value;
}

function csvList(cell: string): unknown {
  const text = cell.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text.replace(/'/g, '"')) as unknown;
    } catch {
      return text;
    }
  }
  const inner = text.startsWith('{') && text.endsWith('}') ? text.slice(1, -1) : text;
  return inner
    .split(/[,|;]/)
    .map((item) => item.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
}

function refuseV0(records: SourceRecord[]): void {
  const found = new Set<string>();
  for (const record of records) for (const field of V0_FIELDS) if (Object.hasOwn(record.value, field)) found.add(field);
  if (found.size > 0) {
    throw new MalformedFileError(
      `ce fichier suit le schéma data·inclusion v0 (champs ${[...found].slice(0, 6).join(', ')}…), abandonné depuis la version 1.0.7 du schéma ; ` +
        'Relais lit la v1 (1.0.8 : description, horaires_accueil, reseaux_porteurs, type, publics, modes_mobilisation…). ' +
        'Exportez les données en v1 (API data·inclusion /api/v1/…) puis importez-les à nouveau',
    );
  }
}

let validators: { structure: ValidateFunction; service: ValidateFunction } | null = null;

/** The official schemas, compiled once. They carry no $schema: pydantic writes draft 2020-12. */
function officialValidators(): { structure: ValidateFunction; service: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    addFormats(ajv);
    validators = { structure: ajv.compile(structureSchema), service: ajv.compile(serviceSchema) };
  }
  return validators;
}

/**
 * Every error of the record against the official v1 schema, one line each with its path. The `anyOf`
 * wrapper of each nullable field adds, for one faulty value, "must be null" and "must match a schema in
 * anyOf": those say nothing more and are left out.
 */
export function schemaErrors(record: SourceRecord): string[] {
  const validate = officialValidators()[record.kind];
  if (validate(record.value)) return [];
  return (validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && (e.params as { type?: string }).type === 'null')).map(describeError);
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '') || '(ligne)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `schéma v1 : ${String(params['missingProperty'])} est obligatoire`;
    case 'enum':
      return `schéma v1 : ${path} « ${String(error.data)} » n’est pas une valeur du référentiel (${(params['allowedValues'] as unknown[]).length} valeurs permises, voir GET /api/directory/v1/vocabularies)`;
    case 'minLength':
      return `schéma v1 : ${path} compte au moins ${String(params['limit'])} caractères`;
    case 'maxLength':
      return `schéma v1 : ${path} compte au plus ${String(params['limit'])} caractères`;
    case 'pattern':
      return `schéma v1 : ${path} « ${String(error.data)} » ne suit pas le motif ${String(params['pattern'])}`;
    case 'format':
      return `schéma v1 : ${path} « ${String(error.data)} » n’est pas au format ${String(params['format'])}`;
    case 'type':
      return `schéma v1 : ${path} doit être de type ${String(params['type'])}`;
    case 'minItems':
      return `schéma v1 : ${path} compte au moins ${String(params['limit'])} valeur(s)`;
    case 'uniqueItems':
      return `schéma v1 : ${path} contient des valeurs en double`;
    case 'minimum':
      return `schéma v1 : ${path} vaut au moins ${String(params['limit'])}`;
    default:
      return `schéma v1 : ${path} ${error.message ?? 'invalide'}`;
  }
}
