import type { CreateLieuInput } from '../lieux/lieu.dto';
import type { CreateServiceInput } from '../offers/offer.dto';
import type { CreateStructureInput } from '../structures/structure.dto';

export const importFormats = ['data-inclusion', 'lieux-mediation-numerique'] as const;
export type ImportFormat = (typeof importFormats)[number];

/**
 * One row of a source file as the directory will write it: a structure with its lieu and services
 * (data·inclusion structure, LMN lieu) or a service of a structure of the same file (data·inclusion
 * service). Ids are left out: records are matched by (source, source id), so a re-import updates in place.
 */
export interface PlannedRow {
  /** Position in the file (1-based, as a person counts rows). */
  row: number;
  kind: 'structure' | 'service';
  /** Identifier in the source (`<source>:<id>`): the upsert key. */
  sourceId: string;
  label: string;
  /** Problems found while reading the row; a row with any is rejected whole. */
  problems: string[];
  /** What the row holds that the directory does not keep, each with why: the row goes through, the report says it. */
  notes?: string[];
  structure?: Omit<CreateStructureInput, 'networkIds'> & { networkIds?: string[] };
  /** A structure's lieu, or a service's own lieu (a service with its own address), under its structure. */
  lieu?: Omit<CreateLieuInput, 'structureId'>;
  /** Services with the source id of their structure, resolved at write time. */
  services: Array<{ sourceId: string; input: Omit<CreateServiceInput, 'structureId' | 'lieuIds'>; atStructureLieu: boolean }>;
  /** For a service row: the source id of its structure. */
  structureSourceId?: string;
  /** When the source says the record was last checked. */
  verifiedAt?: Date;
}

export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'rejected';

export interface RowReport {
  row: number;
  kind: 'structure' | 'service';
  sourceId: string;
  label: string;
  outcome: RowOutcome;
  reasons?: string[];
  /** Fields of the row the directory did not keep, and why (the row itself went through). */
  notes?: string[];
}

export interface ImportReport {
  format: ImportFormat;
  source: string;
  dryRun: boolean;
  summary: Record<RowOutcome, number> & { total: number; withNotes: number };
  rows: RowReport[];
}

/** A file that cannot be read at all (not JSON, not the expected shape): refused as a whole. */
export class MalformedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFileError';
  }
}

export function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function asString(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.replace(',', '.'));
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A list field: an array, or a string separated by `|`, `;` or `,`. */
export function asList(value: unknown, separators = /[|;,]/): string[] {
  if (Array.isArray(value)) return value.map((v) => asString(v)).filter((v): v is string => v !== undefined);
  const text = asString(value);
  return text ? text.split(separators).map((s) => s.trim()).filter(Boolean) : [];
}
