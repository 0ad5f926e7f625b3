import type { TestService } from '@relais/testing';
import { api, startDirectory } from './support';

interface Entry {
  value: string;
  label: string;
  description?: string;
  parent?: string;
}
type Lists = Record<string, Entry[]>;

/** The public vocabularies, as the web workspace's filters and an integrator's form read them: no token. */
describe('GET /v1/vocabularies', () => {
  let directory: TestService;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    directory = await startDirectory();
    call = api(directory.url);
  });
  afterAll(() => directory?.stop());

  it('answers every list without a token, cacheable, in the documented shape', async () => {
    const response = await call('GET', '/v1/vocabularies');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(response.headers.get('etag')).toBeTruthy();
    const lists = response.body as Lists;
    expect(Object.keys(lists).sort()).toEqual(['frais', 'modesAccueil', 'modesMobilisation', 'publics', 'roles', 'thematiques', 'typesServices']);
    for (const [name, entries] of Object.entries(lists)) {
      expect(entries.length).toBeGreaterThan(1);
      expect(new Set(entries.map((entry) => entry.value)).size).toBe(entries.length);
      for (const entry of entries) {
        expect(typeof entry.value).toBe('string');
        expect(entry.label.length).toBeGreaterThan(0);
        expect(Object.keys(entry).every((key) => ['value', 'label', 'description', 'parent'].includes(key))).toBe(true);
        if (name !== 'thematiques') expect(entry.parent).toBeUndefined();
      }
    }
  });

  it('lists data·inclusion v1 values with their French labels, each thématique under its category', async () => {
    const lists = (await call('GET', '/v1/vocabularies')).body as Lists;
    const thematiques = lists['thematiques'];
    expect(thematiques).toContainEqual({ value: 'numerique', label: 'Numérique', description: expect.any(String) as string });
    expect(thematiques).toContainEqual({ value: 'numerique--acceder-a-des-services-en-ligne', label: 'Accéder à des services en ligne', parent: 'numerique' });
    const categories = new Set(thematiques.filter((entry) => !entry.parent).map((entry) => entry.value));
    expect(categories.size).toBe(16);
    expect(thematiques.filter((entry) => entry.parent)).toHaveLength(69);
    for (const entry of thematiques) if (entry.parent) expect(categories.has(entry.parent) && entry.value.startsWith(`${entry.parent}--`)).toBe(true);
    expect(lists['publics']).toContainEqual({ value: 'personnes-exilees', label: 'Personnes exilées', description: expect.any(String) as string });
    expect(lists['modesAccueil'].map((entry) => entry.value)).toEqual(['a-distance', 'en-presentiel']);
    expect(lists['roles'].map((entry) => entry.value)).toContain('faire-a-la-place');
  });

  it('is documented as a public operation (security: [])', async () => {
    const document = (await call('GET', '/openapi.json')).body as { paths: Record<string, { get: { security?: unknown[] } }> };
    expect(document.paths['/api/directory/v1/vocabularies']?.get.security).toEqual([]);
  });
});
