import { demoAccounts } from './demo-accounts';
import { DEMO_NETWORKS, DEMO_STRUCTURES } from './demo-places';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the demo département', () => {
  const networkIds: string[] = Object.values(DEMO_NETWORKS).map((network) => network.id);
  const structures = Object.values(DEMO_STRUCTURES);

  it('names its networks and structures with distinct UUID v4 ids that validators accept', () => {
    const ids = [...networkIds, ...structures.map((structure) => structure.id)];
    expect(ids.filter((id) => !UUID_V4.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('places every structure in one of its networks', () => {
    expect(structures.filter((structure) => !networkIds.includes(structure.networkId))).toEqual([]);
  });

  it('gives every account a demo structure and that structure’s network, or networks only', () => {
    const { users, clients } = demoAccounts();
    for (const account of [...users, ...clients]) {
      const structure = structures.find((candidate) => candidate.id === account.structureId);
      if (account.structureId === null) expect(account.networkIds.every((id) => networkIds.includes(id))).toBe(true);
      else expect(account.networkIds).toEqual([structure?.networkId]);
    }
    expect(users.filter((user) => user.structureId !== null).length).toBeGreaterThan(0);
  });
});
