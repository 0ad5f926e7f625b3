import { hasRole, type Principal } from '@relais/auth';
import { DomainError } from '@relais/platform';

/**
 * Who may change what in the directory:
 * - an admin, anything;
 * - a coordinator, the networks it coordinates and the structures (with their lieux and services) that
 *   belong to one of them;
 * - a structure's own agents and integrations, the capacity, status and opening hours of their structure's
 *   services and lieux, and confirming their records are still true.
 */
export function canManageNetwork(principal: Principal, networkId: string): boolean {
  return hasRole(principal, 'admin') || (hasRole(principal, 'coordinator') && principal.networkIds.includes(networkId));
}

export function canManageStructure(principal: Principal, structureNetworkIds: readonly string[]): boolean {
  if (hasRole(principal, 'admin')) return true;
  return hasRole(principal, 'coordinator') && structureNetworkIds.some((id) => principal.networkIds.includes(id));
}

/** Capacity, status, hours and verification: the structure's own staff, or those who manage it. */
export function canOperateStructure(principal: Principal, structureId: string, structureNetworkIds: readonly string[]): boolean {
  if (canManageStructure(principal, structureNetworkIds)) return true;
  return hasRole(principal, 'agent', 'integration') && principal.structureId === structureId;
}

export function forbidden(detail: string): DomainError {
  return new DomainError('forbidden', detail);
}

/**
 * Which networks an import may write into, decided row by row: the admin, and the operator at the command
 * line (who holds the database anyway), any; a coordinator only those it coordinates. Nobody else gets a
 * network (agents and integrations are refused before reading the file; this keeps them out regardless).
 */
export type ImportScope = { kind: 'any' } | { kind: 'networks'; networkIds: ReadonlySet<string> };

export function importScopeOf(importer: Principal | 'cli'): ImportScope {
  if (importer === 'cli' || hasRole(importer, 'admin')) return { kind: 'any' };
  return { kind: 'networks', networkIds: new Set(hasRole(importer, 'coordinator') ? importer.networkIds : []) };
}

/** The networks of `networkIds` the scope may not write into (a record must fall wholly inside the scope). */
export function networksOutside(scope: ImportScope, networkIds: readonly string[]): string[] {
  return scope.kind === 'any' ? [] : networkIds.filter((id) => !scope.networkIds.has(id));
}

/** Whether the scope may change an existing record of these networks: as through the API, one of them suffices. */
export function mayUpdateIn(scope: ImportScope, networkIds: readonly string[]): boolean {
  return scope.kind === 'any' || networkIds.some((id) => scope.networkIds.has(id));
}
