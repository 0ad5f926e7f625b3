import { demoAccounts } from '@relais/demo';

/** Each demo structure's réseaux locaux, as its accounts' tokens carry them. */
export function demoStructureNetworks(): Map<string, string[]> {
  const networks = new Map<string, string[]>();
  const { users, clients } = demoAccounts();
  for (const account of [...users, ...clients]) {
    if (account.structureId) networks.set(account.structureId, account.networkIds);
  }
  return networks;
}
