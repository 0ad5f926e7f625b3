import { Injectable } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { CommuneDirectory } from '../communes/commune-directory';
import type { CandidateRow } from '../recommendation/candidate';
import type { ServiceRole } from '../rules/rules.types';

type ServiceSnapshot = EventPayload<'fr.relais.directory.service.snapshot.v2'>;
type StructureSnapshot = EventPayload<'fr.relais.directory.structure.snapshot.v1'>;
type NetworkSnapshot = EventPayload<'fr.relais.directory.network.snapshot.v1'>;

/** How long another replica's network change may take to be seen here. */
const NETWORKS_TTL_MS = 5_000;

interface CandidateSqlRow {
  service_id: string;
  structure_id: string;
  service_name: string;
  structure_name: string | null;
  structure_labels: string[] | null;
  roles: string[];
  thematiques: string[];
  publics: string[];
  languages: string[];
  modalities: string[];
  accepts_relais_referrals: boolean;
  network_ids: string[];
  lieu_id: string | null;
  commune_code: string | null;
  latitude: number | null;
  longitude: number | null;
  opening_hours: string | null;
  open_slots_per_week: number | null;
  waiting_days: number | null;
}

export interface CandidateSearch {
  roles: readonly ServiceRole[];
  origin: { latitude: number; longitude: number } | null;
  networkId: string | null;
  /** ISO date (Paris): a service suspended until a later day is left out. */
  today: string;
  /** Nearest rows kept from the area around the commune: bounds the work in dense areas. */
  limit: number;
}

/**
 * The diagnostic's own copy of the directory, kept up to date by its snapshot events (never by calls):
 * a change in the directory reaches the recommendations within the consumer's latency, and an
 * assessment never waits on another service.
 */
@Injectable()
export class DirectoryReadModel {
  private networks: { loadedAt: number; byCommune: Map<string, { networkId: string; name: string }> } | null = null;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly communes: CommuneDirectory,
  ) {}

  @HandlesEvent('fr.relais.directory.service.snapshot.v2')
  async onServiceSnapshot(snapshot: ServiceSnapshot): Promise<void> {
    const tx = this.txHost.tx;
    const applied = await tx.query<unknown[]>(
      `INSERT INTO directory_service (service_id, structure_id, version, deleted, status, suspended_until, name, roles, thematiques, publics,
         languages, modalities, accepts_relais_referrals, network_ids, open_slots_per_week, waiting_days, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT (service_id) DO UPDATE SET structure_id = EXCLUDED.structure_id, version = EXCLUDED.version, deleted = EXCLUDED.deleted,
         status = EXCLUDED.status, suspended_until = EXCLUDED.suspended_until, name = EXCLUDED.name, roles = EXCLUDED.roles,
         thematiques = EXCLUDED.thematiques, publics = EXCLUDED.publics, languages = EXCLUDED.languages, modalities = EXCLUDED.modalities,
         accepts_relais_referrals = EXCLUDED.accepts_relais_referrals, network_ids = EXCLUDED.network_ids,
         open_slots_per_week = EXCLUDED.open_slots_per_week, waiting_days = EXCLUDED.waiting_days, updated_at = EXCLUDED.updated_at
       WHERE directory_service.version < EXCLUDED.version
       RETURNING service_id`,
      [
        snapshot.serviceId,
        snapshot.structureId,
        snapshot.version,
        snapshot.deleted,
        snapshot.status,
        snapshot.suspendedUntil,
        snapshot.name,
        snapshot.roles,
        snapshot.thematiques,
        snapshot.publics,
        snapshot.languages,
        snapshot.modalities,
        snapshot.acceptsRelaisReferrals,
        snapshot.networkIds,
        snapshot.capacity.openSlotsPerWeek,
        snapshot.capacity.waitingDays,
        snapshot.updatedAt,
      ],
    );
    // An older or repeated snapshot changes nothing (the compacted topic may replay it).
    if (applied.length === 0) return;
    await tx.query(`DELETE FROM directory_offer WHERE service_id = $1`, [snapshot.serviceId]);
    if (snapshot.deleted || snapshot.status !== 'active') return;

    const lieux = snapshot.lieux.map((lieu) => {
      // A lieu without coordinates is placed at its commune: good enough to measure tens of km.
      const commune = lieu.latitude === null || lieu.longitude === null ? this.communes.get(lieu.communeCode) : undefined;
      return {
        key: lieu.lieuId,
        lieuId: lieu.lieuId,
        communeCode: lieu.communeCode,
        latitude: lieu.latitude ?? commune?.latitude ?? null,
        longitude: lieu.longitude ?? commune?.longitude ?? null,
        openingHours: lieu.openingHours,
      };
    });
    // A service with no lieu (remote, at home) is still found through its networks.
    const rows = lieux.length > 0 ? lieux : [{ key: 'sans-lieu', lieuId: null, communeCode: null, latitude: null, longitude: null, openingHours: null }];
    await tx.query(
      `INSERT INTO directory_offer (service_id, lieu_key, lieu_id, roles, network_ids, modalities, suspended_until, commune_code, latitude, longitude, location, opening_hours)
       SELECT $1, r.key, r.lieu_id, $2, $3, $4, $5, r.commune_code, r.latitude, r.longitude,
              CASE WHEN r.latitude IS NULL OR r.longitude IS NULL THEN NULL ELSE point(r.longitude, r.latitude) END, r.opening_hours
       FROM jsonb_to_recordset($6::jsonb) AS r(key text, lieu_id uuid, commune_code text, latitude double precision, longitude double precision, opening_hours text)`,
      [
        snapshot.serviceId,
        snapshot.roles,
        snapshot.networkIds,
        snapshot.modalities,
        snapshot.suspendedUntil,
        JSON.stringify(rows.map((r) => ({ key: r.key, lieu_id: r.lieuId, commune_code: r.communeCode, latitude: r.latitude, longitude: r.longitude, opening_hours: r.openingHours }))),
      ],
    );
  }

  @HandlesEvent('fr.relais.directory.structure.snapshot.v1')
  async onStructureSnapshot(snapshot: StructureSnapshot): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO directory_structure (structure_id, version, deleted, name, labels, network_ids, commune_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (structure_id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted, name = EXCLUDED.name,
         labels = EXCLUDED.labels, network_ids = EXCLUDED.network_ids, commune_code = EXCLUDED.commune_code
       WHERE directory_structure.version < EXCLUDED.version`,
      [snapshot.structureId, snapshot.version, snapshot.deleted, snapshot.name, snapshot.labels, snapshot.networkIds, snapshot.communeCode],
    );
  }

  @HandlesEvent('fr.relais.directory.network.snapshot.v1')
  async onNetworkSnapshot(snapshot: NetworkSnapshot): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO directory_network (network_id, version, deleted, name, department, commune_codes)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (network_id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted, name = EXCLUDED.name,
         department = EXCLUDED.department, commune_codes = EXCLUDED.commune_codes
       WHERE directory_network.version < EXCLUDED.version`,
      [snapshot.networkId, snapshot.version, snapshot.deleted, snapshot.name, snapshot.department, snapshot.communeCodes],
    );
    this.networks = null;
  }

  /**
   * The réseau local covering a commune, if the directory has published one. A département has a few
   * networks: they are held in memory, reloaded when this process applies a network snapshot and at
   * most `NETWORKS_TTL_MS` after another replica did — an assessment saves a round trip.
   */
  async networkOfCommune(communeCode: string): Promise<{ networkId: string; name: string } | null> {
    if (!this.networks || Date.now() - this.networks.loadedAt > NETWORKS_TTL_MS) {
      const rows = await this.txHost.tx.query<Array<{ network_id: string; name: string; commune_codes: string[] }>>(
        `SELECT network_id, name, commune_codes FROM directory_network WHERE NOT deleted ORDER BY network_id`,
      );
      const byCommune = new Map<string, { networkId: string; name: string }>();
      for (const row of rows) {
        for (const code of row.commune_codes) if (!byCommune.has(code)) byCommune.set(code, { networkId: row.network_id, name: row.name });
      }
      this.networks = { loadedAt: Date.now(), byCommune };
    }
    return this.networks.byCommune.get(communeCode) ?? null;
  }

  /**
   * The candidate rows for a search, in one indexed query of two bounded branches: the offers with one
   * of the roles nearest to the commune (GiST nearest-first scan: it stops after `limit` matches, however
   * dense the area), and offers of the person's réseau local that come to people (at home, itinerant,
   * remote), found through a partial GIN index. The ranking then measures exact distances and drops
   * what is out of reach.
   */
  async candidates(search: CandidateSearch): Promise<CandidateRow[]> {
    const origin = search.origin;
    const rows = await this.txHost.tx.query<CandidateSqlRow[]>(
      // The modalities literal stays as written: it is the predicate of the partial index. The second
      // branch is not ordered, so it stops at its limit: nearby services that come to people are already
      // in the first branch; this one adds those of the network based farther away (rural areas), few.
      `WITH offers AS (
         (SELECT o.service_id, o.lieu_id, o.commune_code, o.latitude, o.longitude, o.opening_hours FROM directory_offer o
           WHERE $1::boolean AND o.roles && $2::text[] AND (o.suspended_until IS NULL OR o.suspended_until < $3::date)
           ORDER BY o.location <-> point($4, $5)
           LIMIT $6)
         UNION ALL
         (SELECT o.service_id, o.lieu_id, o.commune_code, o.latitude, o.longitude, o.opening_hours FROM directory_offer o
           WHERE o.network_ids @> ARRAY[$7]::uuid[] AND o.modalities && '{a-domicile,itinerant,a-distance}'::text[] AND o.roles && $2::text[]
             AND (o.suspended_until IS NULL OR o.suspended_until < $3::date)
           LIMIT $8)
       )
       SELECT o.service_id, s.structure_id, s.name AS service_name, st.name AS structure_name, st.labels AS structure_labels,
              s.roles, s.thematiques, s.publics, s.languages, s.modalities, s.accepts_relais_referrals, s.network_ids,
              o.lieu_id, o.commune_code, o.latitude, o.longitude, o.opening_hours, s.open_slots_per_week, s.waiting_days
         FROM offers o
         JOIN directory_service s ON s.service_id = o.service_id
         LEFT JOIN directory_structure st ON st.structure_id = s.structure_id
        WHERE st.deleted IS NOT TRUE`,
      [
        origin !== null,
        search.roles,
        search.today,
        origin?.longitude ?? 0,
        origin?.latitude ?? 0,
        search.limit,
        search.networkId ?? '00000000-0000-0000-0000-000000000000',
        Math.ceil(search.limit / 4),
      ],
    );
    return rows.map((row) => ({
      serviceId: row.service_id,
      structureId: row.structure_id,
      serviceName: row.service_name,
      structureName: row.structure_name,
      structureLabels: row.structure_labels ?? [],
      roles: row.roles as ServiceRole[],
      thematiques: row.thematiques,
      publics: row.publics,
      languages: row.languages,
      modalities: row.modalities,
      acceptsRelaisReferrals: row.accepts_relais_referrals,
      networkIds: row.network_ids,
      lieuId: row.lieu_id,
      communeCode: row.commune_code,
      latitude: row.latitude,
      longitude: row.longitude,
      openingHours: row.opening_hours,
      openSlotsPerWeek: row.open_slots_per_week,
      waitingDays: row.waiting_days,
    }));
  }
}
