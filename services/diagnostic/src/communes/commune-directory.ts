/** A commune as the diagnostic needs it: where it is, to measure the distance to each service. */
export interface Commune {
  /** Code INSEE. */
  code: string;
  name: string;
  departement: string;
  latitude: number;
  longitude: number;
  /**
   * True when the commune has no point of its own in the source and its position is the mean of its
   * intercommunality's known communes (small communes): distances are then good to ~10 km.
   */
  approximate: boolean;
}

/** Looks communes up by INSEE code. Loaded once; the production source is `french-communes.ts`. */
export class CommuneDirectory {
  private readonly byCode: ReadonlyMap<string, Commune>;

  constructor(communes: Iterable<Commune>) {
    this.byCode = new Map([...communes].map((c) => [c.code, c]));
  }

  get(code: string): Commune | undefined {
    return this.byCode.get(code);
  }

  get size(): number {
    return this.byCode.size;
  }
}

/** Great-circle distance in km (haversine): services are at most tens of km apart, the Earth is a sphere enough. */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const toRad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = toRad(b.latitude - a.latitude);
  const dLon = toRad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.latitude)) * Math.cos(toRad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
