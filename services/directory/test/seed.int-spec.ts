import type { TestService } from '@relais/testing';
import { SeedService } from '../src/seed/seed.service';
import { api, demoUsers, startDirectory } from './support';

describe('demo département seed', () => {
  let directory: TestService;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    directory = await startDirectory();
    call = api(directory.url);
  });

  afterAll(() => directory?.stop());

  it('seeds the Morbihan, then changes nothing the second time', async () => {
    const seed = directory.app.get(SeedService);
    const first = await seed.run();
    expect(first.networks).toBe(7);
    expect(first.structures.created).toBeGreaterThanOrEqual(200);
    expect(first.services.created).toBeGreaterThanOrEqual(300);
    expect((await seed.run()).applied).toBe(false); // same demo: nothing to do
    const second = await seed.run({ force: true });
    expect(second.applied).toBe(true);
    expect(second.structures).toEqual({ created: 0, updated: 0, unchanged: first.structures.created });
    expect(second.lieux).toEqual({ created: 0, updated: 0, unchanged: first.lieux.created });
    expect(second.services).toEqual({ created: 0, updated: 0, unchanged: first.services.created });
  }, 120_000);

  it('holds the demo accounts’ networks and structures, with their ids and names', async () => {
    // What the demo tokens say: coordinators name their network, agents their structure (display names).
    const users = await demoUsers();
    const inParentheses = (text: string) => /^[^(]*\((.*)\)$/.exec(text)?.[1] ?? '';
    const demoNetworks = users
      .filter((u) => u.roles.includes('coordinator'))
      .map((u) => ({ id: u.networkIds[0] ?? '', name: inParentheses(u.displayName).replace(/^coordination /, '') }));
    const demoStructures = new Map(
      users.filter((u) => u.structureId).map((u) => [u.structureId ?? '', { name: inParentheses(u.displayName), networkId: u.networkIds[0] ?? '' }]),
    );
    const networks = (await call('GET', '/v1/networks')).body as { items: Array<{ id: string; name: string; communeCodes: string[] }> };
    expect(networks.items.map((n) => ({ id: n.id, name: n.name })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      demoNetworks.sort((a, b) => a.id.localeCompare(b.id)),
    );
    // Every commune of the Morbihan is covered by exactly one réseau local.
    const covered = networks.items.flatMap((n) => n.communeCodes);
    expect(covered.length).toBe(249);
    expect(new Set(covered).size).toBe(249);
    expect(demoStructures.size).toBe(8);
    for (const [id, demo] of demoStructures) {
      const response = await call('GET', `/v1/structures/${id}`);
      expect(response.status).toBe(200);
      const structure = response.body as { name: string; networkIds: string[]; services: unknown[] };
      expect(structure.name).toBe(demo.name);
      expect(structure.networkIds).toEqual([demo.networkId]);
      expect(structure.services.length).toBeGreaterThan(0);
    }
    // The centre social de Kercado holds the Aidants Connect habilitation (demo-accounts.ts), so it can act for a person.
    const kercado = (await call('GET', '/v1/services?role=faire-a-la-place&commune=56260&radiusKm=5')).body as { items: Array<{ structureName: string }> };
    expect(kercado.items.map((i) => i.structureName)).toContain('Centre social de Kercado');
  });

  it('is browsable: every role is offered, near Vannes and in the whole département', async () => {
    for (const role of ['diagnostic', 'orientation', 'formation', 'accompagnement', 'faire-a-la-place', 'equipement', 'acces-libre']) {
      const page = (await call('GET', `/v1/services?role=${role}&commune=56260&radiusKm=30`)).body as { items: Array<{ distanceKm: number }> };
      expect({ role, found: page.items.length > 0 }).toEqual({ role, found: true });
    }
    const ploermel = (await call('GET', '/v1/services?role=diagnostic&commune=56165&radiusKm=20&openAt=now')).body as { items: unknown[] };
    expect(Array.isArray(ploermel.items)).toBe(true);
    const commune = (await call('GET', '/v1/communes/56165')).body as { networks: Array<{ name: string }>; lieux: unknown[] };
    expect(commune.networks.map((n) => n.name)).toEqual(['Pays de Ploërmel']);
    expect(commune.lieux.length).toBeGreaterThan(2);
  });
});
