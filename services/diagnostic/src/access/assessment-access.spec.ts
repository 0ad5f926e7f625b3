import type { Principal } from '@relais/auth';
import { readAccess } from './assessment-access';

const structure = '56000000-0000-4000-b000-000000000004';
const other = '56000000-0000-4000-b000-000000000005';
const network = '56000000-0000-4000-a000-000000000002';
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
    expect(readAccess({ ...coordinator, networkIds: ['56000000-0000-4000-a000-000000000001'] }, facts)).toBeNull();
    expect(readAccess(coordinator, { ...facts, networkId: null })).toBeNull();
  });

  it('gives administrators a pseudonymized read', () => {
    expect(readAccess({ ...base, structureId: null, roles: ['admin'] }, facts)).toBe('pseudonymized');
  });
});
