import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { findCommune } from '../communes/referentiel';
import { DIRECTORY_OPTIONS, type DirectoryOptions } from '../config';
import { describeMinuteOfWeek, parisWallClock } from '../lieux/opening-hours';
import { isStale } from '../shared/freshness';
import {
  expandThematiques,
  languageLabel,
  mobileModalities,
  roleLabels,
  thematiqueLabels,
  type ServiceRole,
  type Thematique,
} from '../shared/vocabulary';
import { mask, THEMATIQUES_MASK_BITS, thematiquesMaskBits } from './search-index';
import { decodeCursor, encodeCursor, queryFingerprint, type SortKey } from './search-cursor';
import type { MatchReason, SearchPage, SearchQuery, SearchResult } from './search.dto';

const DEFAULT_RADIUS_KM = 20;
const DEFAULT_LIMIT = 20;
/** Sort value standing for "unknown" (no distance, no waiting time): after every known value. */
const UNKNOWN = 1e9;
const KM_PER_DEGREE_LATITUDE = 111.32;
const CELL_DEGREES = 0.05;

interface Origin {
  code: string;
  name: string;
  latitude: number | null;
  longitude: number | null;
  coveringNetworkIds: string[];
}

/** One candidate as the ranking query returns it: what sorting and paging need, nothing more. */
interface KeyRow {
  offer_id: string;
  lieu_id: string | null;
  distance_km: number | null;
  k_full: number;
  k_dist: number;
  k_wait: number;
}

interface OfferRow {
  id: string;
  structure_id: string;
  name: string;
  structure_name: string;
  roles: string[];
  thematiques: string[];
  modalities: string[];
  publics: string[];
  languages: string[];
  accepts_relais_referrals: boolean;
  open_slots_per_week: number | null;
  waiting_days: number | null;
  capacity_updated_at: Date | null;
  last_verified_at: Date | null;
}

interface LieuRow {
  offer_id: string;
  id: string;
  name: string;
  commune_code: string;
  commune_name: string | null;
  street: string | null;
}

type Row = OfferRow & { distance_km: number | null; lieu: LieuRow | null };

/** Builds numbered parameters as the SQL is written, so values never enter the text. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The search: one SQL query over services, their structure and their nearest lieu. Filters are array
 * overlaps (GIN), the text is a French full-text match with accents folded, the distance a haversine
 * after a bounding-box prefilter on the lieux' coordinates, `openAt` a lookup in the precomputed weekly
 * intervals. Sorted: services with room first, then distance, then waiting time; keyset pagination.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
  ) {}

  async search(query: SearchQuery, now: Date = new Date()): Promise<SearchPage> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const fingerprint = queryFingerprint({ ...query });
    const after = query.cursor ? decodeCursor(query.cursor, fingerprint) : undefined;
    const origin = query.commune ? await this.origin(query.commune) : undefined;
    const radiusKm = query.radiusKm ?? DEFAULT_RADIUS_KM;
    const openAt = query.openAt ? (query.openAt === 'now' ? now : new Date(query.openAt)) : undefined;
    const openMinute = openAt ? parisWallClock(openAt).minuteOfWeek : undefined;
    const thematiques = query.thematique ? expandThematiques(query.thematique) : undefined;
    const tsquery = query.q ? toPrefixTsquery(query.q) : undefined;
    const today = now.toISOString().slice(0, 10);

    const p = new Params();
    // Every filter runs on the narrow rows of the search index (one per service and lieu).
    const where: string[] = [`(e.hidden_until IS NULL OR e.hidden_until < ${p.add(today)}::date)`];
    if (query.role?.length) where.push(`(e.roles_mask & ${p.add(mask('roles', query.role).toString())}::int) <> 0`);
    if (thematiques) where.push(`(e.thematiques_mask & ${p.add(thematiquesMaskBits(thematiques))}::bit(${THEMATIQUES_MASK_BITS})) <> 0::bit(${THEMATIQUES_MASK_BITS})`);
    if (query.modality?.length) where.push(`(e.modalities_mask & ${p.add(mask('modalities', query.modality).toString())}::int) <> 0`);
    if (query.public?.length) where.push(`(e.publics_mask & ${p.add(mask('publics', [...query.public, 'tous-publics']).toString())}::int) <> 0`);
    if (query.language?.length) where.push(`e.languages && ${p.add(query.language)}::text[]`);
    if (query.network) where.push(`e.network_ids && ARRAY[${p.add(query.network)}]::uuid[]`);
    if (query.acceptsReferrals !== undefined) where.push(`e.accepts_relais_referrals = ${p.add(query.acceptsReferrals)}`);
    const minute = openMinute === undefined ? undefined : p.add(openMinute);
    // Text is tested service by service in result order, so a common word costs a few lookups, not a join.
    const textMatch = (offerId: string): string | undefined =>
      // (The scalar subquery makes the tsquery an InitPlan: parsed once, not once per tested service.)
      tsquery === undefined ? undefined : tsquery === '' ? 'false' : `EXISTS (SELECT 1 FROM offer t WHERE t.id = ${offerId} AND t.search_vector @@ (SELECT to_tsquery('relais_fr', ${p.add(tsquery)})))`;

    let sql: string;
    if (origin) {
      // A lieu counts when it is open itself at the given time.
      const filters = [...where, ...(minute ? [`e.open_minutes @> ${minute}::int`] : [])].join(' AND ');
      let candidates: string;
      if (origin.latitude !== null && origin.longitude !== null) {
        const lat = p.add(origin.latitude);
        const lon = p.add(origin.longitude);
        const dLat = radiusKm / KM_PER_DEGREE_LATITUDE;
        const dLon = radiusKm / (KM_PER_DEGREE_LATITUDE * Math.max(0.01, Math.cos((origin.latitude * Math.PI) / 180)));
        const cells = gridCells(origin.latitude - dLat, origin.latitude + dLat, origin.longitude - dLon, origin.longitude + dLon);
        // point(x, y) is (longitude, latitude); the grid cells of the box prefilter, haversine decides.
        const distance = `(2 * 6371 * asin(sqrt(power(sin(radians(e.position[1] - ${lat}) / 2), 2) + cos(radians(${lat})) * cos(radians(e.position[1])) * power(sin(radians(e.position[0] - ${lon}) / 2), 2))))`;
        candidates = `
          WITH near AS (
            SELECT * FROM (
              SELECT DISTINCT ON (e.offer_id) e.offer_id, e.lieu_id, ${distance} AS distance_km, e.open_slots_per_week, e.waiting_days
              FROM search_entry e
              WHERE e.cell = ANY(${p.add(cells)}::int[]) AND ${filters}
              ORDER BY e.offer_id, distance_km
            ) nearest WHERE distance_km <= ${p.add(radiusKm)}
          )
          SELECT * FROM near
          UNION ALL
          ${this.mobileCovering(p, origin, filters)}`;
      } else {
        // No coordinates for this commune: its own lieux, and the services that come to it.
        candidates = `
          WITH near AS (
            SELECT DISTINCT ON (e.offer_id) e.offer_id, e.lieu_id, NULL::float8 AS distance_km, e.open_slots_per_week, e.waiting_days
            FROM search_entry e
            WHERE e.lieu_id IN (SELECT id FROM lieu WHERE commune_code = ${p.add(origin.code)} AND NOT deleted) AND ${filters}
            ORDER BY e.offer_id, e.lieu_id
          )
          SELECT * FROM near
          UNION ALL
          ${this.mobileCovering(p, origin, filters)}`;
      }
      const keyset = after
        ? `WHERE (r.k_full, r.k_dist, r.k_wait, r.offer_id) > (${p.add(after[0])}::int, ${p.add(after[1])}::float8, ${p.add(after[2])}::float8, ${p.add(after[3])}::uuid)`
        : '';
      const ranked = `
        SELECT * FROM (
          SELECT c.offer_id, c.lieu_id, c.distance_km,
                 (CASE WHEN c.open_slots_per_week = 0 THEN 1 ELSE 0 END) AS k_full,
                 coalesce(c.distance_km, ${UNKNOWN})::float8 AS k_dist,
                 coalesce(c.waiting_days, ${UNKNOWN})::float8 AS k_wait
          FROM (${candidates}) c
        ) r
        ${keyset}
        ORDER BY r.k_full, r.k_dist, r.k_wait, r.offer_id`;
      const text = textMatch('ranked.offer_id');
      // OFFSET 0 keeps the text test above the ranking: it runs on results in order until the page is full.
      sql = text
        ? `SELECT * FROM (${ranked} OFFSET 0) ranked WHERE ${text} LIMIT ${p.add(limit + 1)}`
        : `${ranked} LIMIT ${p.add(limit + 1)}`;
    } else {
      // No place: one primary row per service, walked in result order through its index.
      const text = textMatch('e.offer_id');
      const filters = [
        'e.is_primary',
        ...where,
        ...(minute
          ? [`e.offer_id IN (SELECT ol.offer_id FROM lieu_opening_interval h JOIN offer_lieu ol ON ol.lieu_id = h.lieu_id WHERE h.span @> ${minute}::int)`]
          : []),
        ...(text ? [text] : []),
        ...(after ? [`(e.k_full, e.k_wait, e.offer_id) > (${p.add(after[0])}::smallint, ${p.add(Math.min(after[2], UNKNOWN))}::int, ${p.add(after[3])}::uuid)`] : []),
      ].join(' AND ');
      sql = `
        SELECT e.offer_id, NULL::uuid AS lieu_id, NULL::float8 AS distance_km, e.k_full, ${UNKNOWN}::float8 AS k_dist, e.k_wait::float8 AS k_wait
        FROM search_entry e
        WHERE ${filters}
        ORDER BY e.k_full, e.k_wait, e.offer_id
        LIMIT ${p.add(limit + 1)}`;
    }
    const keys: KeyRow[] = await this.dataSource.query(sql, p.values);
    const page = keys.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = keys.length > limit && last ? encodeCursor(sortKey(last), fingerprint) : null;
    const rows = await this.details(page, origin !== undefined);
    return {
      items: rows.map((row) => this.result(row, query, { origin, thematiques, openMinute, now })),
      nextCursor,
    };
  }

  /** What a result shows, read for the page only (at most `limit` services). */
  private async details(page: KeyRow[], located: boolean): Promise<Row[]> {
    if (page.length === 0) return [];
    const ids = page.map((k) => k.offer_id);
    const offers: OfferRow[] = await this.dataSource.query(
      `SELECT o.id, o.structure_id, o.name, s.name AS structure_name, o.roles, o.thematiques, o.modalities, o.publics, o.languages,
              o.accepts_relais_referrals, o.open_slots_per_week, o.waiting_days, o.capacity_updated_at, o.last_verified_at
       FROM offer o JOIN structure s ON s.id = o.structure_id WHERE o.id = ANY($1::uuid[])`,
      [ids],
    );
    // The lieu a result shows: the one the search matched (nearest), else, without a place, the first.
    const lieux: LieuRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (ol.offer_id) ol.offer_id, l.id, l.name, l.commune_code, l.commune_name, l.street
       FROM offer_lieu ol JOIN lieu l ON l.id = ol.lieu_id
       WHERE ol.offer_id = ANY($1::uuid[]) AND NOT l.deleted
       ORDER BY ol.offer_id, (l.id = ANY($2::uuid[])) DESC, l.name`,
      [ids, page.map((k) => k.lieu_id).filter((id): id is string => id !== null)],
    );
    const offerById = new Map(offers.map((o) => [o.id, o]));
    const lieuByOffer = new Map(lieux.map((l) => [l.offer_id, l]));
    return page.flatMap((key): Row[] => {
      const offer = offerById.get(key.offer_id);
      if (!offer) return [];
      // A service found because it comes to the person (no lieu near) shows no lieu.
      const lieu = key.lieu_id || !located ? (lieuByOffer.get(key.offer_id) ?? null) : null;
      return [{ ...offer, distance_km: key.distance_km, lieu }];
    });
  }

  /** Services that reach people where they are, in a network that covers the person's commune, with no lieu near. */
  private mobileCovering(p: Params, origin: Origin, filters: string): string {
    if (origin.coveringNetworkIds.length === 0) {
      return `SELECT NULL::uuid, NULL::uuid, NULL::float8, NULL::int, NULL::int WHERE false`;
    }
    return `SELECT DISTINCT ON (e.offer_id) e.offer_id, NULL::uuid, NULL::float8, e.open_slots_per_week, e.waiting_days FROM search_entry e
      WHERE e.mobile AND e.network_ids && ${p.add(origin.coveringNetworkIds)}::uuid[] AND ${filters}
        AND e.offer_id NOT IN (SELECT offer_id FROM near)`;
  }

  /**
   * Where the person is: the commune's imported coordinates, else the middle of the lieux the
   * directory knows in that commune, else nowhere (then only that commune's lieux match).
   */
  private async origin(code: string): Promise<Origin> {
    const rows: Array<{ latitude: number | null; longitude: number | null; networks: string[] | null }> = await this.dataSource.query(
      `SELECT coalesce(c.latitude, l.latitude) AS latitude, coalesce(c.longitude, l.longitude) AS longitude,
              (SELECT array_agg(n.id) FROM network n WHERE NOT n.deleted AND n.commune_codes @> ARRAY[$1]::text[]) AS networks
       FROM (SELECT 1) one
       LEFT JOIN commune_coordinates c ON c.code = $1
       LEFT JOIN LATERAL (SELECT avg(latitude) AS latitude, avg(longitude) AS longitude FROM lieu
                          WHERE commune_code = $1 AND NOT deleted AND latitude IS NOT NULL) l ON true`,
      [code],
    );
    const row = rows[0];
    return {
      code,
      name: findCommune(code)?.nom ?? code,
      latitude: row?.latitude ?? null,
      longitude: row?.longitude ?? null,
      coveringNetworkIds: row?.networks ?? [],
    };
  }

  private result(
    row: Row,
    query: SearchQuery,
    context: { origin: Origin | undefined; thematiques: Thematique[] | undefined; openMinute: number | undefined; now: Date },
  ): SearchResult {
    const why: MatchReason[] = [];
    const distance = row.distance_km === null ? null : Math.round(row.distance_km * 10) / 10;
    if (query.role?.length) {
      const matched = row.roles.filter((role) => query.role?.includes(role as ServiceRole));
      why.push({ parameter: 'role', explanation: `rôle ${matched.map((r) => roleLabels[r as ServiceRole]).join(', ')}` });
    }
    if (context.thematiques) {
      const matched = row.thematiques.filter((t) => context.thematiques?.includes(t as Thematique));
      why.push({ parameter: 'thematique', explanation: `thématique ${matched.map((t) => thematiqueLabels[t as Thematique]).join(', ')}` });
    }
    if (context.origin) {
      if (row.lieu && distance !== null) {
        why.push({ parameter: 'commune', explanation: `à ${distance.toLocaleString('fr-FR')} km de ${context.origin.name} (${row.lieu.name})` });
      } else if (row.lieu) {
        why.push({ parameter: 'commune', explanation: `un lieu à ${context.origin.name} (${row.lieu.name})` });
      } else {
        const how = row.modalities.filter((m) => (mobileModalities as readonly string[]).includes(m)).join(', ');
        why.push({ parameter: 'commune', explanation: `intervient sans lieu proche (${how}) dans un réseau qui couvre ${context.origin.name}` });
      }
    }
    if (query.network) why.push({ parameter: 'network', explanation: 'structure membre du réseau local demandé' });
    if (context.openMinute !== undefined) why.push({ parameter: 'openAt', explanation: `ouvert ${describeMinuteOfWeek(context.openMinute)} (heure de Paris)` });
    if (query.modality?.length) why.push({ parameter: 'modality', explanation: `modalité ${row.modalities.filter((m) => query.modality?.includes(m as never)).join(', ')}` });
    if (query.public?.length) {
      const matched = row.publics.filter((pub) => query.public?.includes(pub as never));
      why.push({ parameter: 'public', explanation: matched.length ? `public ${matched.join(', ')}` : 'ouvert à tous les publics' });
    }
    if (query.language?.length) {
      why.push({ parameter: 'language', explanation: `en ${row.languages.filter((l) => query.language?.includes(l)).map(languageLabel).join(', ')}` });
    }
    if (query.acceptsReferrals !== undefined) {
      why.push({ parameter: 'acceptsReferrals', explanation: row.accepts_relais_referrals ? 'reçoit les orientations par Relais' : 'ne reçoit pas les orientations par Relais' });
    }
    if (query.q) why.push({ parameter: 'q', explanation: `texte « ${query.q} »` });
    if (row.open_slots_per_week === 0) why.push({ parameter: 'capacity', explanation: 'complet : aucune place cette semaine, classé en dernier' });
    else if (row.waiting_days !== null) why.push({ parameter: 'capacity', explanation: `délai d’attente ${row.waiting_days} jour${row.waiting_days > 1 ? 's' : ''}` });
    const stale = isStale(row.last_verified_at, this.options.freshnessMaxAgeDays, context.now);
    return {
      id: row.id,
      structureId: row.structure_id,
      name: row.name,
      structureName: row.structure_name,
      roles: row.roles,
      thematiques: row.thematiques,
      modalities: row.modalities,
      acceptsRelaisReferrals: row.accepts_relais_referrals,
      ...(context.origin ? { distanceKm: distance } : {}),
      nearestLieu: row.lieu ? { id: row.lieu.id, name: row.lieu.name, communeCode: row.lieu.commune_code, communeName: row.lieu.commune_name, street: row.lieu.street } : null,
      capacity: {
        openSlotsPerWeek: row.open_slots_per_week,
        waitingDays: row.waiting_days,
        full: row.open_slots_per_week === 0,
        updatedAt: row.capacity_updated_at ? new Date(row.capacity_updated_at).toISOString() : null,
      },
      stale,
      why,
    };
  }
}

/** The search_entry grid cells (0.05°, see the migration) covering a box. */
export function gridCells(minLat: number, maxLat: number, minLon: number, maxLon: number): number[] {
  const cells: number[] = [];
  for (let y = Math.floor(minLat / CELL_DEGREES); y <= Math.floor(maxLat / CELL_DEGREES); y++) {
    for (let x = Math.floor(minLon / CELL_DEGREES); x <= Math.floor(maxLon / CELL_DEGREES); x++) cells.push(y * 10000 + x);
  }
  return cells;
}

function sortKey(row: KeyRow): SortKey {
  return [Number(row.k_full), Number(row.k_dist), Number(row.k_wait), row.offer_id];
}

/**
 * Free text to a prefix tsquery: each word must appear (as a word start), accents and case ignored by
 * the `relais_fr` configuration. Empty when nothing searchable is left.
 */
export function toPrefixTsquery(text: string): string {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, 12);
  return words.map((word) => `'${word.toLowerCase()}':*`).join(' & ');
}
