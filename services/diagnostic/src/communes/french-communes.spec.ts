import { distanceKm } from './commune-directory';
import { frenchCommunes } from './french-communes';

describe('frenchCommunes (COG + GeoNames, from the npm packages)', () => {
  const communes = frenchCommunes();
  const byCode = new Map(communes.map((c) => [c.code, c]));

  it('locates every current commune of the Morbihan', () => {
    const morbihan = communes.filter((c) => c.departement === '56');
    expect(morbihan.length).toBeGreaterThanOrEqual(249);
    expect(new Set(morbihan.map((c) => c.code)).size).toBe(morbihan.length);
  });

  it('puts Vannes and Ploërmel where they are', () => {
    const vannes = byCode.get('56260');
    const ploermel = byCode.get('56165');
    expect(vannes).toMatchObject({ name: 'Vannes', approximate: false });
    expect(ploermel).toMatchObject({ name: 'Ploërmel', approximate: false });
    // Vannes–Ploërmel is about 45 km as the crow flies.
    expect(distanceKm(vannes!, ploermel!)).toBeGreaterThan(38);
    expect(distanceKm(vannes!, ploermel!)).toBeLessThan(50);
  });

  it('places a small commune without its own point near its intercommunality', () => {
    const billio = byCode.get('56019');
    expect(billio?.approximate).toBe(true);
    expect(distanceKm(billio!, byCode.get('56260')!)).toBeLessThan(60);
  });
});
