import { morbihanDemo, seedId } from './morbihan';
import { DEMO_NETWORK_IDS, DEMO_STRUCTURE_SEEDS } from './demo-ids';

describe('the demo département', () => {
  const plan = morbihanDemo();

  it('is the same plan every time (so seeding twice writes nothing)', () => {
    expect(JSON.stringify(morbihanDemo())).toBe(JSON.stringify(plan));
    expect(seedId('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('has the seven réseaux locaux covering each of the 249 communes once', () => {
    expect(plan.networks.map((n) => n.id).sort()).toEqual(Object.values(DEMO_NETWORK_IDS).map((n) => n.id).sort());
    const communes = plan.networks.flatMap((n) => n.communeCodes);
    expect(communes).toHaveLength(249);
    expect(new Set(communes).size).toBe(249);
  });

  it('holds the demo structures with their ids, and a few hundred others across all roles', () => {
    const ids = new Set(plan.structures.map((s) => s.structure.id));
    for (const demo of DEMO_STRUCTURE_SEEDS) expect(ids.has(demo.id)).toBe(true);
    expect(plan.structures.length).toBeGreaterThan(250);
    const roles = new Set(plan.structures.flatMap((s) => s.services.flatMap((service) => service.roles)));
    expect([...roles].sort()).toEqual(['acces-libre', 'accompagnement', 'diagnostic', 'equipement', 'faire-a-la-place', 'formation', 'orientation']);
  });

  it('offers faire-a-la-place only where the structure holds the Aidants Connect habilitation', () => {
    for (const { structure, services } of plan.structures) {
      if (services.some((s) => s.roles.includes('faire-a-la-place'))) expect(structure.labels).toContain('aidants-connect');
    }
  });
});
