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

/** The `last verified by` of a change: the token's subject (never a name). */
export function verifierOf(principal: Principal): string {
  return principal.clientId ? `client:${principal.clientId}` : `user:${principal.subject}`;
}
