import { serviceAcls, servicePrincipal } from './kafka-acls';

describe('Kafka ACLs of a service', () => {
  const grants = serviceAcls('diagnostic', 'p.');
  const on = (name: string) => grants.filter((grant) => grant.name === name);

  it('is for the service’s own principal only', () => {
    expect(servicePrincipal('diagnostic')).toBe('relais-diagnostic');
    expect(new Set(grants.map((grant) => grant.principal))).toEqual(new Set(['User:relais-diagnostic']));
  });

  it('writes its own topics, under the prefix, and no other service’s', () => {
    expect(on('p.relais.diagnostic.')).toEqual([expect.objectContaining({ resource: 'topic', pattern: 'prefixed', operations: ['write', 'create', 'describe'] })]);
    const writable = grants.filter((grant) => grant.resource === 'topic' && grant.operations.includes('write'));
    for (const grant of writable) expect(grant.name).toMatch(/^p\.relais\.diagnostic\.|\.retry\.diagnostic$|\.dlt$/);
    expect(on('p.relais.referral.referral.v1')).toEqual([expect.objectContaining({ pattern: 'literal', operations: ['read', 'create', 'describe'] })]);
  });

  it('reads what it consumes, with its retry and dead-letter topics, and uses its own groups', () => {
    expect(on('p.relais.directory.service.v2.retry.diagnostic')[0]?.operations).toEqual(['read', 'write', 'create', 'describe']);
    expect(on('p.relais.directory.service.v2.dlt')[0]?.operations).toEqual(['read', 'write', 'create', 'describe']);
    expect(on('p.relais-diagnostic')).toEqual([expect.objectContaining({ resource: 'group', pattern: 'prefixed', operations: ['read', 'describe', 'delete'] })]);
    // Nothing on topics it neither publishes nor consumes.
    expect(grants.some((grant) => grant.name.includes('relais.notification.'))).toBe(false);
  });
});
