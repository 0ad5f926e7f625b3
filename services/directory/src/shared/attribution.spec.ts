import { callerKey, type Principal } from '@relais/auth';
import { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/demo';
import { importScopeOf, mayUpdateIn, networksOutside } from './access';
import { attributionFor, importAttribution, publicAttribution } from './attribution';

const caf = DEMO_STRUCTURES.cafVannes.id;
const ccas = DEMO_STRUCTURES.ccasVannes.id;
const vannes = DEMO_NETWORKS.vannes.id;
const lorient = DEMO_NETWORKS.lorient.id;

/** A principal as the token verifier builds it: people signing in through the web app carry its client id. */
function principal(overrides: Partial<Principal>): Principal {
  return { subject: 'someone', clientId: 'relais-web', structureId: null, networkIds: [], department: '56', roles: [], ...overrides };
}

const agent = principal({ subject: 'agent.caf-vannes', structureId: caf, networkIds: [vannes], roles: ['agent'] });
const colleague = principal({ subject: 'agent2.caf-vannes', structureId: caf, networkIds: [vannes], roles: ['agent'] });
const otherStructure = principal({ subject: 'agent.ccas-vannes', structureId: ccas, networkIds: [vannes], roles: ['agent'] });
const integration = principal({ subject: 'caf-vannes-integration', clientId: 'caf-vannes-integration', structureId: caf, networkIds: [vannes], roles: ['integration'] });
const coordVannes = principal({ subject: 'coord.vannes', networkIds: [vannes], roles: ['coordinator'] });
const coordLorient = principal({ subject: 'coord.lorient', networkIds: [lorient], roles: ['coordinator'] });
const admin = principal({ subject: 'admin.departement', networkIds: [vannes, lorient], roles: ['admin'] });

describe('attribution of directory changes', () => {
  it('scopes people by the structure they act for, and clients by client, whatever client_id a person’s token carries', () => {
    expect(callerKey(agent)).toBe(`user:${caf}:agent.caf-vannes`);
    expect(callerKey(colleague)).not.toBe(callerKey(agent));
    expect(callerKey({ ...agent, structureId: ccas })).toBe(`user:${ccas}:agent.caf-vannes`);
    expect(callerKey(coordVannes)).toBe('user:-:coord.vannes');
    expect(callerKey(integration)).toBe('client:caf-vannes-integration');
    // A person's token without client_id (other identity providers) is still that person.
    expect(callerKey({ ...agent, clientId: null })).toBe(callerKey(agent));
    expect(importAttribution('data-inclusion', coordVannes)).toBe('import:data-inclusion:user:-:coord.vannes');
    expect(importAttribution('lieux-mediation-numerique', 'cli')).toBe('import:lieux-mediation-numerique:cli');
  });

  it('shows the public the kind of actor and its structure, never an account id, old forms included', () => {
    expect(publicAttribution(`user:${caf}:agent.caf-vannes`)).toBe(`user:${caf}`);
    expect(publicAttribution('user:-:coord.vannes')).toBe('user');
    expect(publicAttribution('client:caf-vannes-integration')).toBe('client');
    expect(publicAttribution('import:data-inclusion:user:-:coord.vannes')).toBe('import:data-inclusion');
    expect(publicAttribution('seed')).toBe('seed');
    expect(publicAttribution(null)).toBeNull();
    // Written before attributions were scoped.
    expect(publicAttribution('user:agent.caf-vannes')).toBe('user');
    expect(publicAttribution('client:relais-web')).toBe('client');
    expect(publicAttribution('import:data-inclusion:relais-web')).toBe('import:data-inclusion');
    expect(publicAttribution('agent.caf-vannes@example.org')).toBe('inconnu');
  });

  it('shows the account to those who answer for the record, to the actor itself and to its structure only', () => {
    const record = { structureId: caf, networkIds: [vannes] };
    const stored = callerKey(agent);
    expect(attributionFor(stored, admin, record)).toBe(stored);
    expect(attributionFor(stored, coordVannes, record)).toBe(stored);
    expect(attributionFor(stored, agent, record)).toBe(stored);
    expect(attributionFor(stored, colleague, record)).toBe(stored);
    expect(attributionFor(stored, coordLorient, record)).toBe(`user:${caf}`);
    expect(attributionFor(stored, otherStructure, record)).toBe(`user:${caf}`);
    expect(attributionFor(stored, integration, record)).toBe(stored);
    expect(attributionFor(stored, null, record)).toBe(`user:${caf}`);
    // A coordinator's account is its own business and its network's, not the structure's agents'.
    expect(attributionFor(callerKey(coordVannes), agent, record)).toBe('user');
    expect(attributionFor(importAttribution('data-inclusion', coordVannes), coordVannes, record)).toBe('import:data-inclusion:user:-:coord.vannes');
    expect(attributionFor(importAttribution('data-inclusion', coordVannes), otherStructure, record)).toBe('import:data-inclusion');
    expect(attributionFor('client:caf-vannes-integration', otherStructure, record)).toBe('client');
    expect(attributionFor('client:caf-vannes-integration', integration, record)).toBe('client:caf-vannes-integration');
  });
});

describe('import scope', () => {
  it('lets the admin and the command line write anywhere, a coordinator into its networks only, nobody else anywhere', () => {
    expect(networksOutside(importScopeOf(admin), [vannes, lorient])).toEqual([]);
    expect(networksOutside(importScopeOf('cli'), [lorient])).toEqual([]);
    expect(networksOutside(importScopeOf(coordVannes), [vannes])).toEqual([]);
    expect(networksOutside(importScopeOf(coordVannes), [vannes, lorient])).toEqual([lorient]);
    expect(networksOutside(importScopeOf(agent), [vannes])).toEqual([vannes]);
    expect(networksOutside(importScopeOf(integration), [vannes])).toEqual([vannes]);
  });

  it('lets a coordinator update an existing record that one of its networks holds, as the API does', () => {
    expect(mayUpdateIn(importScopeOf(coordVannes), [vannes, lorient])).toBe(true);
    expect(mayUpdateIn(importScopeOf(coordVannes), [lorient])).toBe(false);
    expect(mayUpdateIn(importScopeOf(coordVannes), [])).toBe(false);
    expect(mayUpdateIn(importScopeOf(admin), [])).toBe(true);
    expect(mayUpdateIn(importScopeOf(agent), [vannes])).toBe(false);
  });
});
