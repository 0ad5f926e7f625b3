import { callerKey, type Principal } from '@relais/auth';
import { DEMO_STRUCTURES } from '@relais/demo';
import { canonicalJson, requestHash } from './idempotency';

describe('request fingerprint', () => {
  it('ignores key order and undefined members, not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });
});

describe('key owner', () => {
  const caf = DEMO_STRUCTURES.cafVannes.id;
  const ccas = DEMO_STRUCTURES.ccasVannes.id;
  // People sign in through the web app: their tokens carry its client_id, like every colleague's.
  const person = (subject: string, structureId: string | null): Principal => ({
    subject,
    clientId: 'relais-web',
    structureId,
    networkIds: [],
    department: '56',
    roles: ['agent'],
  });

  it('is the person and the structure it acts for, never the client its token came through', () => {
    expect(callerKey(person('agent.caf-vannes', caf))).toBe(`user:${caf}:agent.caf-vannes`);
    expect(callerKey(person('agent.caf-vannes', caf))).not.toBe(callerKey(person('agent2.caf-vannes', caf)));
    // One person acting for two structures: two owners, so neither replays the other's response.
    expect(callerKey(person('agent.caf-vannes', caf))).not.toBe(callerKey(person('agent.caf-vannes', ccas)));
    expect(callerKey(person('coord.vannes', null))).toBe('user:-:coord.vannes');
  });

  it('is the client for client-credentials tokens, whose subject is the client', () => {
    const software: Principal = { subject: 'caf-vannes-integration', clientId: 'caf-vannes-integration', structureId: caf, networkIds: [], department: '56', roles: ['integration'] };
    expect(callerKey(software)).toBe('client:caf-vannes-integration');
  });
});
