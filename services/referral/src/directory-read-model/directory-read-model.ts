import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';

export interface ServiceEntry {
  serviceId: string;
  structureId: string;
  name: string;
  status: 'active' | 'suspended' | 'closed';
  deleted: boolean;
  acceptsRelaisReferrals: boolean;
  suspendedUntil: string | null;
  networkIds: string[];
}

export interface StructureEntry {
  structureId: string;
  deleted: boolean;
  networkIds: string[];
  department: string | null;
}

export interface NetworkEntry {
  networkId: string;
  deleted: boolean;
  department: string;
  acknowledgeBusinessDays: number;
  firstContactBusinessDays: number;
  expireAfterDays: number;
}

/**
 * The referral service's own copy of what it needs from the directory, fed by the directory's snapshot
 * events. A snapshot replaces the row only when its `version` is newer: redeliveries and out-of-order
 * records (a replay of the compacted topic) never bring an older state back.
 */
@Injectable()
export class DirectoryReadModel {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent('fr.relais.directory.structure.snapshot.v1')
  async onStructure(snapshot: EventPayload<'fr.relais.directory.structure.snapshot.v1'>): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO directory_structures (structure_id, version, deleted, name, network_ids, department, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (structure_id) DO UPDATE SET
         version = EXCLUDED.version, deleted = EXCLUDED.deleted, name = EXCLUDED.name, network_ids = EXCLUDED.network_ids,
         department = EXCLUDED.department, updated_at = EXCLUDED.updated_at
       WHERE directory_structures.version < EXCLUDED.version`,
      [snapshot.structureId, snapshot.version, snapshot.deleted, snapshot.name, snapshot.networkIds, snapshot.department, snapshot.updatedAt],
    );
  }

  @HandlesEvent('fr.relais.directory.service.snapshot.v2')
  async onService(snapshot: EventPayload<'fr.relais.directory.service.snapshot.v2'>): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO directory_services (service_id, structure_id, version, deleted, name, status, accepts_relais_referrals, suspended_until,
                                       roles, thematiques, network_ids, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (service_id) DO UPDATE SET
         structure_id = EXCLUDED.structure_id, version = EXCLUDED.version, deleted = EXCLUDED.deleted, name = EXCLUDED.name,
         status = EXCLUDED.status, accepts_relais_referrals = EXCLUDED.accepts_relais_referrals, suspended_until = EXCLUDED.suspended_until,
         roles = EXCLUDED.roles, thematiques = EXCLUDED.thematiques, network_ids = EXCLUDED.network_ids, updated_at = EXCLUDED.updated_at
       WHERE directory_services.version < EXCLUDED.version`,
      [
        snapshot.serviceId,
        snapshot.structureId,
        snapshot.version,
        snapshot.deleted,
        snapshot.name,
        snapshot.status,
        snapshot.acceptsRelaisReferrals,
        snapshot.suspendedUntil,
        snapshot.roles,
        snapshot.thematiques,
        snapshot.networkIds,
        snapshot.updatedAt,
      ],
    );
  }

  @HandlesEvent('fr.relais.directory.network.snapshot.v1')
  async onNetwork(snapshot: EventPayload<'fr.relais.directory.network.snapshot.v1'>): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO directory_networks (network_id, version, deleted, name, department, acknowledge_business_days, first_contact_business_days,
                                       expire_after_days, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (network_id) DO UPDATE SET
         version = EXCLUDED.version, deleted = EXCLUDED.deleted, name = EXCLUDED.name, department = EXCLUDED.department,
         acknowledge_business_days = EXCLUDED.acknowledge_business_days, first_contact_business_days = EXCLUDED.first_contact_business_days,
         expire_after_days = EXCLUDED.expire_after_days, updated_at = EXCLUDED.updated_at
       WHERE directory_networks.version < EXCLUDED.version`,
      [
        snapshot.networkId,
        snapshot.version,
        snapshot.deleted,
        snapshot.name,
        snapshot.department,
        snapshot.sla.acknowledgeBusinessDays,
        snapshot.sla.firstContactBusinessDays,
        snapshot.sla.expireAfterDays,
        snapshot.updatedAt,
      ],
    );
  }

  async service(serviceId: string): Promise<ServiceEntry | null> {
    const rows: Array<{
      service_id: string;
      structure_id: string;
      name: string;
      status: ServiceEntry['status'];
      deleted: boolean;
      accepts_relais_referrals: boolean;
      suspended_until: string | null;
      network_ids: string[];
    }> = await this.txHost.tx.query(
      `SELECT service_id, structure_id, name, status, deleted, accepts_relais_referrals, to_char(suspended_until, 'YYYY-MM-DD') AS suspended_until, network_ids
       FROM directory_services WHERE service_id = $1`,
      [serviceId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      serviceId: row.service_id,
      structureId: row.structure_id,
      name: row.name,
      status: row.status,
      deleted: row.deleted,
      acceptsRelaisReferrals: row.accepts_relais_referrals,
      suspendedUntil: row.suspended_until,
      networkIds: row.network_ids,
    };
  }

  /** The structures the read model knows among these ids, in one query. */
  async structures(structureIds: string[]): Promise<Map<string, StructureEntry>> {
    const rows: Array<{ structure_id: string; deleted: boolean; network_ids: string[]; department: string | null }> = await this.txHost.tx.query(
      `SELECT structure_id, deleted, network_ids, department FROM directory_structures WHERE structure_id = ANY($1::uuid[])`,
      [structureIds],
    );
    return new Map(rows.map((row) => [row.structure_id, { structureId: row.structure_id, deleted: row.deleted, networkIds: row.network_ids, department: row.department }]));
  }

  async network(networkId: string): Promise<NetworkEntry | null> {
    const rows: Array<{
      network_id: string;
      deleted: boolean;
      department: string;
      acknowledge_business_days: number;
      first_contact_business_days: number;
      expire_after_days: number;
    }> = await this.txHost.tx.query(
      `SELECT network_id, deleted, department, acknowledge_business_days, first_contact_business_days, expire_after_days
       FROM directory_networks WHERE network_id = $1`,
      [networkId],
    );
    const row = rows[0];
    return row
      ? {
          networkId: row.network_id,
          deleted: row.deleted,
          department: row.department,
          acknowledgeBusinessDays: row.acknowledge_business_days,
          firstContactBusinessDays: row.first_contact_business_days,
          expireAfterDays: row.expire_after_days,
        }
      : null;
  }
}

/** Why a service cannot take a referral through Relais today, in French, or null when it can. */
export function serviceRefusal(service: ServiceEntry | null, today: string): string | null {
  if (!service || service.deleted) return "Ce service n'existe pas dans l'annuaire.";
  if (service.status === 'closed') return 'Ce service est fermé.';
  if (service.status === 'suspended' && (service.suspendedUntil === null || service.suspendedUntil > today)) {
    return `Ce service est suspendu${service.suspendedUntil ? ` jusqu'au ${service.suspendedUntil}` : ''}.`;
  }
  if (!service.acceptsRelaisReferrals) return "Ce service ne reçoit pas d'orientations par Relais.";
  return null;
}
