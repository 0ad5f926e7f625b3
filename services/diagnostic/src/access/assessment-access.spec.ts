import type { Principal } from '@relais/auth';
import { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/demo';
import { readAccess } from './assessment-access';

const structure = DEMO_STRUCTURES.mediathequePloermel.id;
const other = DEMO_STRUCTURES.franceServicesMauron.id;
const network = DEMO_NETWORKS.ploermel.id;
const base: Principal = { subject: 's', clientId: null, structureId: structure, networkIds: [network], department: '56', roles: ['agent'] };

describe('readAccess', () => {
  const facts = { structureId: structure, networkId: network, grantedStructureIds: [] };

  it('lets the structure that ran the assessment read it in full', () => {
    expect(readAccess(base, facts)).toBe('full');
    expect(readAccess({ ...base, roles: ['integration'] }, facts)).toBe('full');
  });

  it('lets a structure the person was referred to with consent read it, and no other', () => {
    const agentElsewhere = { ...base, structureId: other };
    expect(readAccess(agentElsewhere, facts)).toBeNull();
    expect(readAccess(agentElsewhere, { ...facts, grantedStructureIds: [other] })).toBe('full');
  });

  it('gives coordinators of the person’s network a pseudonymized read, and nothing to other networks', () => {
    const coordinator: Principal = { ...base, structureId: null, roles: ['coordinator'] };
    expect(readAccess(coordinator, facts)).toBe('pseudonymized');
    expect(readAccess({ ...coordinator, networkIds: [DEMO_NETWORKS.vannes.id] }, facts)).toBeNull();
    expect(readAccess(coordinator, { ...facts, networkId: null })).toBeNull();
  });

  it('gives administrators a pseudonymized read', () => {
    expect(readAccess({ ...base, structureId: null, roles: ['admin'] }, facts)).toBe('pseudonymized');
  });
});
