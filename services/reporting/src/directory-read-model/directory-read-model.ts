import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { takeRollupTurn } from '../projections/rollups';
import { networkRecord, serviceRecord, structureRecord, type NetworkRecord, type ServiceRecord, type StructureRecord } from './directory-snapshot.adapter';

/**
 * Reporting's copy of the directory, fed by its snapshots: which networks a service belongs to, its roles,
 * places and capacity, a structure's commune, a network's communes and delays. Each row keeps the version it
 * came from; an older snapshot arriving late changes nothing.
 */
@Injectable()
export class DirectoryReadModel {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent('fr.relais.directory.network.snapshot.v1')
  async onNetwork(payload: EventPayload<'fr.relais.directory.network.snapshot.v1'>, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    const n = networkRecord(payload);
    await this.txHost.tx.query(
      `INSERT INTO directory_networks (network_id, version, deleted, name, commune_codes, acknowledge_business_days, first_contact_business_days)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (network_id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, name = excluded.name,
         commune_codes = excluded.commune_codes, acknowledge_business_days = excluded.acknowledge_business_days,
         first_contact_business_days = excluded.first_contact_business_days
       WHERE directory_networks.version < excluded.version`,
      [n.networkId, n.version, n.deleted, n.name, n.communeCodes, n.acknowledgeBusinessDays, n.firstContactBusinessDays],
    );
  }

  @HandlesEvent('fr.relais.directory.structure.snapshot.v1')
  async onStructure(payload: EventPayload<'fr.relais.directory.structure.snapshot.v1'>, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    const s = structureRecord(payload);
    await this.txHost.tx.query(
      `INSERT INTO directory_structures (structure_id, version, deleted, name, commune_code, network_ids)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (structure_id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, name = excluded.name,
         commune_code = excluded.commune_code, network_ids = excluded.network_ids
       WHERE directory_structures.version < excluded.version`,
      [s.structureId, s.version, s.deleted, s.name, s.communeCode, s.networkIds],
    );
  }

  @HandlesEvent('fr.relais.directory.service.snapshot.v1')
  async onService(payload: EventPayload<'fr.relais.directory.service.snapshot.v1'>, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    const s = serviceRecord(payload);
    await this.txHost.tx.query(
      `INSERT INTO directory_services (service_id, structure_id, version, deleted, name, active, roles, thematiques, network_ids, places,
                                       open_slots_per_week, waiting_days)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (service_id) DO UPDATE SET structure_id = excluded.structure_id, version = excluded.version, deleted = excluded.deleted,
         name = excluded.name, active = excluded.active, roles = excluded.roles, thematiques = excluded.thematiques,
         network_ids = excluded.network_ids, places = excluded.places, open_slots_per_week = excluded.open_slots_per_week,
         waiting_days = excluded.waiting_days
       WHERE directory_services.version < excluded.version`,
      [s.serviceId, s.structureId, s.version, s.deleted, s.name, s.active, s.roles, s.thematiques, s.networkIds, JSON.stringify(s.places), s.openSlotsPerWeek, s.waitingDays],
    );
  }

  async service(serviceId: string): Promise<ServiceRecord | null> {
    const rows = await this.txHost.tx.query<ServiceRow[]>(`SELECT * FROM directory_services WHERE service_id = $1`, [serviceId]);
    return rows[0] ? fromServiceRow(rows[0]) : null;
  }

  async servicesOfNetwork(networkId: string): Promise<ServiceRecord[]> {
    const rows = await this.txHost.tx.query<ServiceRow[]>(
      `SELECT * FROM directory_services WHERE network_ids @> ARRAY[$1::uuid] AND NOT deleted ORDER BY name`,
      [networkId],
    );
    return rows.map(fromServiceRow);
  }

  async structure(structureId: string): Promise<StructureRecord | null> {
    const rows = await this.txHost.tx.query<Array<{ structure_id: string; version: number; deleted: boolean; name: string; commune_code: string | null; network_ids: string[] }>>(
      `SELECT * FROM directory_structures WHERE structure_id = $1`,
      [structureId],
    );
    const row = rows[0];
    return row ? { structureId: row.structure_id, version: row.version, deleted: row.deleted, name: row.name, communeCode: row.commune_code, networkIds: row.network_ids } : null;
  }

  async structureNames(structureIds: string[]): Promise<Map<string, string>> {
    if (structureIds.length === 0) return new Map();
    const rows = await this.txHost.tx.query<Array<{ structure_id: string; name: string }>>(
      `SELECT structure_id, name FROM directory_structures WHERE structure_id = ANY($1::uuid[])`,
      [structureIds],
    );
    return new Map(rows.map((row) => [row.structure_id, row.name]));
  }

  async network(networkId: string): Promise<NetworkRecord | null> {
    const rows = await this.txHost.tx.query<
      Array<{ network_id: string; version: number; deleted: boolean; name: string; commune_codes: string[]; acknowledge_business_days: number; first_contact_business_days: number }>
    >(`SELECT * FROM directory_networks WHERE network_id = $1`, [networkId]);
    const row = rows[0];
    return row
      ? {
          networkId: row.network_id,
          version: row.version,
          deleted: row.deleted,
          name: row.name,
          communeCodes: row.commune_codes,
          acknowledgeBusinessDays: row.acknowledge_business_days,
          firstContactBusinessDays: row.first_contact_business_days,
        }
      : null;
  }
}

interface ServiceRow {
  service_id: string;
  structure_id: string;
  version: number;
  deleted: boolean;
  name: string;
  active: boolean;
  roles: string[];
  thematiques: string[];
  network_ids: string[];
  places: ServiceRecord['places'];
  open_slots_per_week: number | null;
  waiting_days: number | null;
}

function fromServiceRow(row: ServiceRow): ServiceRecord {
  return {
    serviceId: row.service_id,
    structureId: row.structure_id,
    version: row.version,
    deleted: row.deleted,
    name: row.name,
    active: row.active,
    roles: row.roles,
    thematiques: row.thematiques,
    networkIds: row.network_ids,
    places: row.places,
    openSlotsPerWeek: row.open_slots_per_week,
    waitingDays: row.waiting_days,
  };
}
