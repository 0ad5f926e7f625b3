import { callerKey, type Principal } from '@relais/auth';
import { DEMO_STRUCTURES } from '@relais/demo';

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
