import { Injectable } from '@nestjs/common';
import { hasRole, type Principal } from '@relais/auth';
import { DomainError, NotFoundError } from '@relais/platform';
import { DirectoryReadModel } from '../directory-read-model/directory-read-model';

/** What one caller may read of one network's figures. */
export interface ReportingScope {
  networkId: string;
  networkName: string;
  /** Figures of this structure only (an agent's own, or a filter). */
  structureId: string | null;
  /** The structure reading its own figures sees small counts; everyone else sees them withheld. */
  ownStructure: boolean;
}

/** Below this many referrals (or diagnostics), a figure is withheld from anyone but the structure itself. */
export const SMALL_CELL = 5;

/**
 * Who reads which figures: admins every network, coordinators their networks (another network answers 404, as
 * one that does not exist), agents and integrations their own structure's figures in any network. Nothing else.
 */
@Injectable()
export class ReportingAccess {
  constructor(private readonly directory: DirectoryReadModel) {}

  async scope(principal: Principal, networkId: string, structureFilter: string | undefined): Promise<ReportingScope> {
    const network = await this.directory.network(networkId);
    const notFound = new NotFoundError('Réseau local');
    if (!network || network.deleted) throw notFound;
    if (hasRole(principal, 'admin') || (hasRole(principal, 'coordinator') && principal.networkIds.includes(networkId))) {
      return { networkId, networkName: network.name, structureId: structureFilter ?? null, ownStructure: false };
    }
    if (hasRole(principal, 'coordinator')) throw notFound;
    if (principal.structureId === null) throw new DomainError('forbidden', 'Ces indicateurs sont réservés aux coordinateurs, administrateurs et structures.');
    if (structureFilter !== undefined && structureFilter !== principal.structureId) throw new NotFoundError('Structure');
    return { networkId, networkName: network.name, structureId: principal.structureId, ownStructure: true };
  }
}

/** A count as the caller may see it: null when 1–4 and the caller is not the structure itself. */
export function shownCount(n: number, scope: ReportingScope): number | null {
  return !scope.ownStructure && n > 0 && n < SMALL_CELL ? null : n;
}

/** A rate or a duration computed on `base` people, withheld below the threshold for anyone but the structure. */
export function shownFigure(value: number | null, base: number, scope: ReportingScope): number | null {
  if (value === null || base === 0) return null;
  return !scope.ownStructure && base < SMALL_CELL ? null : value;
}

export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;
}
