import type { Principal, Role } from '@relais/auth';
import { partiesOf, viewOf, type ReferralParties } from './referral-access';

const vannes = 'n-vannes';
const lorient = 'n-lorient';
const referral: ReferralParties = { sendingStructureId: 's-caf', receivingStructureId: 's-asso', networkId: lorient, networkIds: [vannes, lorient] };

const who = (roles: Role[], structureId: string | null, networkIds: string[]): Principal => ({
  subject: 'x',
  clientId: null,
  structureId,
  networkIds,
  department: '56',
  roles,
});

describe('referral access matrix', () => {
  it.each([
    ['sending agent', who(['agent'], 's-caf', [vannes]), ['sender'], 'full'],
    ['sending integration client', who(['integration'], 's-caf', [vannes]), ['sender'], 'full'],
    ['receiving agent', who(['agent'], 's-asso', [lorient]), ['receiver'], 'full'],
    ['receiving integration client', who(['integration'], 's-asso', [lorient]), ['receiver'], 'full'],
    ['agent of another structure', who(['agent'], 's-other', [lorient]), [], null],
    ['integration client of another structure', who(['integration'], 's-other', [lorient]), [], null],
    ['coordinator of the receiving network', who(['coordinator'], null, [lorient]), ['coordinator'], 'pseudonymous'],
    ['coordinator of the sending network', who(['coordinator'], null, [vannes]), [], 'pseudonymous'],
    ['coordinator of another network', who(['coordinator'], null, ['n-pontivy']), [], null],
    ['administrator of the département', who(['admin'], null, [vannes, lorient]), [], 'pseudonymous'],
    ['a token with a structure but no role', who([], 's-caf', [vannes]), [], null],
  ] as const)('%s', (_label, principal, parties, view) => {
    expect(partiesOf(principal, referral)).toEqual(parties);
    expect(viewOf(principal, referral)).toBe(view);
  });

  it('makes a structure referring to its own service both sender and receiver', () => {
    expect(partiesOf(who(['agent'], 's-caf', []), { ...referral, receivingStructureId: 's-caf' })).toEqual(['sender', 'receiver']);
  });
});
