import { readFileSync } from 'node:fs';

/**
 * The official administrative map (communes, EPCI, départements) from `@etalab/decoupage-administratif`
 * (INSEE's Code officiel géographique). Read from the package's JSON files once, on first use: its
 * index.js resolves them against the current directory, which breaks outside its own folder.
 */
export interface CommuneRecord {
  code: string;
  nom: string;
  departement: string;
  region: string;
  codesPostaux: string[];
  population: number | null;
  epci: { code: string; nom: string } | null;
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  region?: string;
  codesPostaux?: string[];
  population?: number;
}

interface RawEpci {
  code: string;
  nom: string;
  membres: Array<{ code: string }>;
}

interface RawDepartement {
  code: string;
  nom: string;
  region: string;
}

interface Referentiel {
  communes: Map<string, CommuneRecord>;
  departements: Map<string, RawDepartement>;
}

let loaded: Referentiel | undefined;

function readPackageJson<T>(file: string): T {
  return JSON.parse(readFileSync(require.resolve(`@etalab/decoupage-administratif/data/${file}`), 'utf8')) as T;
}

function referentiel(): Referentiel {
  if (loaded) return loaded;
  const epciOf = new Map<string, { code: string; nom: string }>();
  for (const epci of readPackageJson<RawEpci[]>('epci.json')) {
    for (const member of epci.membres) epciOf.set(member.code, { code: epci.code, nom: epci.nom });
  }
  const communes = new Map<string, CommuneRecord>();
  for (const raw of readPackageJson<RawCommune[]>('communes.json')) {
    // Current communes only: associated and delegated communes share codes with history, not with today's map.
    if (raw.type !== 'commune-actuelle' || !raw.departement) continue;
    communes.set(raw.code, {
      code: raw.code,
      nom: raw.nom,
      departement: raw.departement,
      region: raw.region ?? '',
      codesPostaux: raw.codesPostaux ?? [],
      population: raw.population ?? null,
      epci: epciOf.get(raw.code) ?? null,
    });
  }
  const departements = new Map(readPackageJson<RawDepartement[]>('departements.json').map((d) => [d.code, d]));
  loaded = { communes, departements };
  return loaded;
}

export function findCommune(code: string): CommuneRecord | undefined {
  return referentiel().communes.get(code);
}

export function isCommuneCode(code: string): boolean {
  return referentiel().communes.has(code);
}

export function communesOfDepartement(departement: string): CommuneRecord[] {
  return [...referentiel().communes.values()].filter((commune) => commune.departement === departement);
}

export function departementName(code: string): string | undefined {
  return referentiel().departements.get(code)?.nom;
}

/** The commune of a postal code and a name, for imports that give no INSEE code. */
export function communeByPostalCode(postalCode: string, name?: string): CommuneRecord | undefined {
  const candidates = [...referentiel().communes.values()].filter((commune) => commune.codesPostaux.includes(postalCode));
  if (candidates.length <= 1 || !name) return candidates[0];
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return candidates.find((commune) => fold(commune.nom) === fold(name)) ?? candidates[0];
}
