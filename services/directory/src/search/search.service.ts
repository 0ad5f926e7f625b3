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
const EARTH_RADIUS_KM = 6371;

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

/** Conditions on a row of the search index (`alias`), each query adding its own parameters. */
type Filter = (p: Params, alias: string) => string[];

/** A search around a point: where, how far, and the filters of its rows. */
interface Walk {
  point: { latitude: number; longitude: number; coveringNetworkIds: string[] };
  radiusKm: number;
  /** The filters but `openAt`, each tested on the row itself. */
  rows: Filter;
  /** `openAt` on a row. */
  open: Filter;
  openMinute: number | undefined;
  tsquery: string | undefined;
}

/** What a search around a point starts from when its filters leave few rows: the open lieux, or the services holding the text. */
type Driver = 'open' | 'text';
/** Fewer lieux than this open at the asked minute in the whole directory: they lead the search. */
const FEW_OPEN_LIEUX = 200;
/** Fewer rows than this holding the text (as the planner estimates): they lead the search. */
const FEW_TEXT_MATCHES = 1500;

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
    const tsquery = query.q ? await this.tsquery(query.q) : undefined;
    const today = now.toISOString().slice(0, 10);

    /** The filters on a row of the search index (`alias`), `openAt` and the text apart; each query has its own parameters. */
    const filters = (p: Params, alias: string): string[] => {
      const where = [`(${alias}.hidden_until IS NULL OR ${alias}.hidden_until < ${p.add(today)}::date)`];
      if (query.role?.length) where.push(`(${alias}.roles_mask & ${p.add(mask('roles', query.role).toString())}::int) <> 0`);
      if (thematiques) where.push(`(${alias}.thematiques_mask & ${p.add(thematiquesMaskBits(thematiques))}::bit(${THEMATIQUES_MASK_BITS})) <> 0::bit(${THEMATIQUES_MASK_BITS})`);
      if (query.modality?.length) where.push(`(${alias}.modalities_mask & ${p.add(mask('modalities', query.modality).toString())}::int) <> 0`);
      if (query.public?.length) where.push(`(${alias}.publics_mask & ${p.add(mask('publics', [...query.public, 'tous-publics']).toString())}::int) <> 0`);
      if (query.language?.length) where.push(`${alias}.languages && ${p.add(query.language)}::text[]`);
      if (query.network) where.push(`${alias}.network_ids && ARRAY[${p.add(query.network)}]::uuid[]`);
      if (query.acceptsReferrals !== undefined) where.push(`${alias}.accepts_relais_referrals = ${p.add(query.acceptsReferrals)}`);
      return where;
    };
    // A lieu counts when it is open itself at the given time.
    const openFilter = (p: Params, alias: string): string[] => (openMinute === undefined ? [] : [`${alias}.open_minutes @> ${p.add(openMinute)}::int`]);
    // Without a place, text is tested service by service in result order, so a common word costs a few lookups, not a join.
    // (The scalar subquery makes the tsquery an InitPlan: parsed once, not once per tested service.)
    const textFilter = (p: Params, offerId: string): string[] =>
      tsquery === undefined ? [] : tsquery === '' ? ['false'] : [`EXISTS (SELECT 1 FROM offer t WHERE t.id = ${offerId} AND t.search_vector @@ (SELECT to_tsquery('relais_fr', ${p.add(tsquery)})))`];
    // Around a point, the text is tested on the row read: the search index carries each service's text vector.
    const textOnRow = (p: Params, alias: string): string[] =>
      tsquery === undefined ? [] : tsquery === '' ? ['false'] : [`${alias}.search_vector @@ (SELECT to_tsquery('relais_fr', ${p.add(tsquery)}))`];

    let keys: KeyRow[];
    if (origin && origin.latitude !== null && origin.longitude !== null) {
      keys = await this.aroundPoint(
        { latitude: origin.latitude, longitude: origin.longitude, coveringNetworkIds: origin.coveringNetworkIds },
        { radiusKm, wanted: limit + 1, after },
        {
          rows: (p, alias) => [...filters(p, alias), ...textOnRow(p, alias)],
          open: openFilter,
          openMinute,
          tsquery: tsquery === '' ? undefined : tsquery,
        },
      );
    } else if (origin) {
      // No coordinates for this commune: its own lieux, and the services that come to it.
      const p = new Params();
      const where = [...filters(p, 'e'), ...openFilter(p, 'e')].join(' AND ');
      const candidates = `
          WITH near AS (
            SELECT DISTINCT ON (e.offer_id) e.offer_id, e.lieu_id, NULL::float8 AS distance_km, e.open_slots_per_week, e.waiting_days
            FROM search_entry e
            WHERE e.lieu_id IN (SELECT id FROM lieu WHERE commune_code = ${p.add(origin.code)} AND NOT deleted) AND ${where}
            ORDER BY e.offer_id, e.lieu_id
          )
          SELECT * FROM near
          UNION ALL
          ${this.mobileCovering(p, origin, where)}`;
      const keyset = after
        ? `WHERE (r.k_full, r.k_dist, r.k_wait, r.offer_id) > (${p.add(after[0])}::int, ${p.add(after[1])}::float8, ${p.add(after[2])}::float8, ${p.add(after[3])}::uuid)`
        : '';
      const text = textFilter(p, 'r.offer_id');
      keys = await this.dataSource.query(
        `SELECT * FROM (
          SELECT c.offer_id, c.lieu_id, c.distance_km,
                 (CASE WHEN c.open_slots_per_week = 0 THEN 1 ELSE 0 END) AS k_full,
                 coalesce(c.distance_km, ${UNKNOWN})::float8 AS k_dist,
                 coalesce(c.waiting_days, ${UNKNOWN})::float8 AS k_wait
          FROM (${candidates}) c
        ) r
        ${keyset ? `${keyset}${text.length ? ` AND ${text.join(' AND ')}` : ''}` : text.length ? `WHERE ${text.join(' AND ')}` : ''}
        ORDER BY r.k_full, r.k_dist, r.k_wait, r.offer_id
        LIMIT ${p.add(limit + 1)}`,
        p.values,
      );
    } else {
      // No place: one primary row per service, walked in result order through its index. At an hour when few lieux
      // are open (an evening, a Sunday), that walk would read the whole index to find the few services of the asked
      // kind among them (3.3 s measured at 18:40 on a Thursday): their services lead instead, as around a commune.
      const open = openMinute === undefined ? undefined : await this.openLieux(openMinute);
      const p = new Params();
      const fewOpen = open !== undefined && open < FEW_OPEN_LIEUX;
      const openServices = (minute: number) =>
        `SELECT ol.offer_id FROM lieu_opening_interval h JOIN offer_lieu ol ON ol.lieu_id = h.lieu_id WHERE h.span @> ${p.add(minute)}::int`;
      const where = [
        'e.is_primary',
        ...filters(p, 'e'),
        ...(openMinute === undefined || fewOpen ? [] : [`e.offer_id IN (${openServices(openMinute)})`]),
        ...textFilter(p, 'e.offer_id'),
        ...(after ? [`(e.k_full, e.k_wait, e.offer_id) > (${p.add(after[0])}::smallint, ${p.add(Math.min(after[2], UNKNOWN))}::int, ${p.add(after[3])}::uuid)`] : []),
      ].join(' AND ');
      keys =
        open === 0
          ? []
          : await this.dataSource.query(
              `${fewOpen && openMinute !== undefined ? `WITH o AS MATERIALIZED (SELECT DISTINCT offer_id FROM (${openServices(openMinute)}) x) ` : ''}
              SELECT e.offer_id, NULL::uuid AS lieu_id, NULL::float8 AS distance_km, e.k_full, ${UNKNOWN}::float8 AS k_dist, e.k_wait::float8 AS k_wait
              FROM ${fewOpen ? 'o JOIN search_entry e ON e.offer_id = o.offer_id' : 'search_entry e'}
              WHERE ${where}
              ORDER BY e.k_full, e.k_wait, e.offer_id
              LIMIT ${p.add(limit + 1)}`,
              p.values,
            );
    }
    const page = keys.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = keys.length > limit && last ? encodeCursor(sortKey(last), fingerprint) : null;
    const rows = await this.details(page, origin !== undefined);
    return {
      items: rows.map((row) => this.result(row, query, { origin, thematiques, openMinute, now })),
      nextCursor,
    };
  }

  /**
   * The first `wanted` results around a point, in result order: the services with room, nearest first, then
   * those with room that come to the person (no lieu near, a network covering the commune), then the same two
   * for the full ones. Each part is read only if the previous ones left the page short, from the cursor's part on.
   *
   * Nearest first is a walk of the GiST index in distance order (`<->` on the unit sphere, the order of the
   * haversine): a window of the nearest lieux is enough when its own nearest services fill the page and all lie
   * strictly inside it (every lieu not read is at least as far as the window's edge). A window too short (filters
   * that few services pass) grows once, then the whole radius is read through the index's bounding box, which is
   * then small enough to sort: a common search reads a few hundred rows instead of ranking every service in the
   * radius.
   */
  private async aroundPoint(
    point: Walk['point'],
    page: { radiusKm: number; wanted: number; after: SortKey | undefined },
    filters: Pick<Walk, 'rows' | 'open' | 'openMinute' | 'tsquery'>,
  ): Promise<KeyRow[]> {
    const walk: Walk = { point, radiusKm: page.radiusKm, ...filters };
    // Open at an hour when almost nothing is (a night, a Sunday): every walk would read the whole radius to find
    // nothing (the index keeps each lieu's week as one bounding range), so the few open lieux lead instead.
    let driver: Driver | undefined;
    if (walk.openMinute !== undefined) {
      const open = await this.openLieux(walk.openMinute);
      if (open === 0) return [];
      if (open < FEW_OPEN_LIEUX) driver = 'open';
    }
    // With text, the first window is sized by the share of rows holding it (the planner's estimate, from the text
    // vectors' statistics: counting would read every match of a common word); a word few rows hold leads instead.
    let firstWindow = 32;
    if (!driver && walk.tsquery) {
      const share = await this.textShare(walk.tsquery);
      if (share.rows < FEW_TEXT_MATCHES) driver = 'text';
      else firstWindow = Math.min(128, Math.max(32, Math.ceil(4 / Math.max(share.fraction, 1e-6))));
    }
    const { wanted, after } = page;
    const keys: KeyRow[] = [];
    const firstPart = after ? after[0] * 2 + (after[1] >= UNKNOWN ? 1 : 0) : 0;
    for (let part = firstPart; part < 4 && keys.length < wanted; part++) {
      const full = part < 2 ? 0 : 1;
      const partAfter = part === firstPart ? after : undefined;
      const need = wanted - keys.length;
      if (part % 2 === 1) {
        keys.push(...(await this.comingToPerson(walk, full, need, partAfter, driver)));
        continue;
      }
      let found: KeyRow[] | undefined;
      for (const window of driver ? [] : [firstWindow * need, 8 * firstWindow * need]) {
        found = await this.nearestWindow(walk, full, need, window, partAfter);
        if (found) break;
      }
      keys.push(...(found ?? (await this.withinRadius(walk, full, need, partAfter, driver))));
    }
    return keys;
  }

  /** How many lieux are open at a minute of the week, counted up to FEW_OPEN_LIEUX (past it, the exact number does not matter). */
  private async openLieux(minute: number): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ open: number }>>(
      `SELECT count(*)::int AS open FROM (SELECT 1 FROM lieu_opening_interval WHERE span @> $1::int LIMIT ${FEW_OPEN_LIEUX}) few`,
      [minute],
    );
    return row?.open ?? 0;
  }

  /** How many rows of the search index hold the text, and what share of them, as the planner estimates. */
  private async textShare(tsquery: string): Promise<{ rows: number; fraction: number }> {
    const [plan] = await this.dataSource.query<Array<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>>(
      `EXPLAIN (FORMAT JSON) SELECT 1 FROM search_entry WHERE search_vector @@ to_tsquery('relais_fr', $1)`,
      [tsquery],
    );
    const [table] = await this.dataSource.query<Array<{ rows: number }>>(`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'search_entry'::regclass`);
    const rows = plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0;
    return { rows, fraction: rows / Math.max(1, table?.rows ?? 0) };
  }

  /** The rows a search led by its few open lieux, or by its few rows holding the text, starts from (read first, then filtered). */
  private static driven(p: Params, walk: Walk, driver: Driver | undefined): { with: string; from: string } {
    if (driver === 'open') {
      return {
        with: `WITH d AS MATERIALIZED (SELECT s.* FROM search_entry s WHERE s.lieu_id IN (SELECT h.lieu_id FROM lieu_opening_interval h WHERE h.span @> ${p.add(walk.openMinute)}::int))`,
        from: 'd e',
      };
    }
    if (driver === 'text') {
      return { with: `WITH d AS MATERIALIZED (SELECT s.* FROM search_entry s WHERE s.search_vector @@ to_tsquery('relais_fr', ${p.add(walk.tsquery)}))`, from: 'd e' };
    }
    return { with: '', from: 'search_entry e' };
  }

  /** The parameters locating a walk: the origin on the unit sphere, the radius' bounding cube, the haversine from `alias`. */
  private static geometry(p: Params, point: { latitude: number; longitude: number }, radiusKm: number, alias: string) {
    const lat = (point.latitude * Math.PI) / 180;
    const lon = (point.longitude * Math.PI) / 180;
    const origin = p.add([Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)]);
    // The chord of the radius' arc; the cube around the origin with that half-side holds the whole ball.
    const chord = 2 * Math.sin(radiusKm / EARTH_RADIUS_KM / 2);
    const latParam = p.add(point.latitude);
    const lonParam = p.add(point.longitude);
    // point(x, y) is (longitude, latitude).
    const distance = `(2 * ${EARTH_RADIUS_KM} * asin(sqrt(power(sin(radians(${alias}.position[1] - ${latParam}) / 2), 2) + cos(radians(${latParam})) * cos(radians(${alias}.position[1])) * power(sin(radians(${alias}.position[0] - ${lonParam}) / 2), 2))))`;
    return {
      chord,
      origin: `cube(${origin}::float8[])`,
      // A parameter only for the queries that use it (an unused one has no type PostgreSQL can infer).
      box: () => `cube_enlarge(cube(${origin}::float8[]), ${p.add(chord * (1 + 1e-9))}::float8, 3)`,
      distance,
      radius: p.add(radiusKm),
    };
  }

  private static keyset(p: Params, after: SortKey | undefined, alias: string): string {
    return after ? `(${alias}.k_dist, ${alias}.k_wait, ${alias}.offer_id) > (${p.add(after[1])}::float8, ${p.add(after[2])}::float8, ${p.add(after[3])}::uuid)` : 'true';
  }

  /**
   * The nearest lieux (`window` of them) of one capacity class; undefined when they do not settle the page. No
   * bounding box here: the planner cannot estimate one (it would read the whole box and sort it), while the
   * walk alone is the index's ordered scan, stopped by the LIMIT; the radius is tested on the rows read.
   */
  private async nearestWindow(walk: Walk, full: 0 | 1, need: number, window: number, after: SortKey | undefined): Promise<KeyRow[] | undefined> {
    const p = new Params();
    const g = SearchService.geometry(p, walk.point, walk.radiusKm, 'e');
    const rows: Array<KeyRow & { chord: number; walked: number; edge: number | null }> = await this.dataSource.query(
      `WITH w AS MATERIALIZED (
         SELECT e.offer_id, e.lieu_id, e.waiting_days, e.earth <-> ${g.origin} AS chord, ${g.distance} AS distance_km,
                (${[...walk.rows(p, 'e'), `${g.distance} <= ${g.radius}`].join(' AND ')}) AS passes
         FROM search_entry e
         WHERE e.k_full = ${full} AND e.earth IS NOT NULL${walk.open(p, 'e').map((f) => ` AND ${f}`).join('')}
         ORDER BY e.earth <-> ${g.origin}
         LIMIT ${p.add(window)}
       ), edge AS (SELECT count(*)::int AS walked, max(chord) AS chord FROM w)
       SELECT r.*, edge.walked, edge.chord AS edge FROM edge LEFT JOIN LATERAL (
         SELECT * FROM (
           SELECT DISTINCT ON (w.offer_id) w.offer_id, w.lieu_id, w.distance_km, w.chord, ${full} AS k_full,
                  w.distance_km::float8 AS k_dist, coalesce(w.waiting_days, ${UNKNOWN})::float8 AS k_wait
           FROM w WHERE w.passes ORDER BY w.offer_id, w.distance_km
         ) f
         WHERE ${SearchService.keyset(p, after, 'f')}
         ORDER BY f.k_dist, f.k_wait, f.offer_id
         LIMIT ${p.add(need)}
       ) r ON true`,
      p.values,
    );
    const head = rows[0];
    if (!head) return [];
    const found = rows.filter((row) => row.offer_id !== null);
    // Every lieu of the radius was in the window (the walk went past it, or there is no more): nothing left to read.
    if (head.walked < window || (head.edge !== null && head.edge > g.chord * (1 + 1e-9))) return found;
    const last = found[need - 1];
    // Full, and the last service's nearest lieu strictly inside the window: no lieu outside it comes first.
    if (last && head.edge !== null && last.chord < head.edge) return found;
    return undefined;
  }

  /** Every service of one capacity class with a lieu within the radius, read through the bounding box and sorted. */
  private async withinRadius(walk: Walk, full: 0 | 1, need: number, after: SortKey | undefined, driver: Driver | undefined): Promise<KeyRow[]> {
    const p = new Params();
    const g = SearchService.geometry(p, walk.point, walk.radiusKm, 'e');
    const from = SearchService.driven(p, walk, driver);
    const where = [`e.k_full = ${full}`, 'e.earth IS NOT NULL', `e.earth <@ ${g.box()}`, ...walk.open(p, 'e'), ...walk.rows(p, 'e'), `${g.distance} <= ${g.radius}`];
    return this.dataSource.query(
      `${from.with}
       SELECT * FROM (
         SELECT DISTINCT ON (e.offer_id) e.offer_id, e.lieu_id, ${g.distance} AS distance_km, ${full} AS k_full,
                ${g.distance}::float8 AS k_dist, coalesce(e.waiting_days, ${UNKNOWN})::float8 AS k_wait
         FROM ${from.from}
         WHERE ${where.join(' AND ')}
         ORDER BY e.offer_id, distance_km
       ) f
       WHERE ${SearchService.keyset(p, after, 'f')}
       ORDER BY f.k_dist, f.k_wait, f.offer_id
       LIMIT ${p.add(need)}`,
      p.values,
    );
  }

  /** Services of one capacity class that reach people where they are, in a network covering the commune, with no lieu within the radius. */
  private async comingToPerson(walk: Walk, full: 0 | 1, need: number, after: SortKey | undefined, driver: Driver | undefined): Promise<KeyRow[]> {
    if (walk.point.coveringNetworkIds.length === 0) return [];
    const p = new Params();
    const g = SearchService.geometry(p, walk.point, walk.radiusKm, 'n');
    const from = SearchService.driven(p, walk, driver === 'open' ? driver : undefined);
    // The other filters are the service's own, the same on each of its rows: a near row only needs to be open.
    const near = ['n.offer_id = e.offer_id', 'n.earth IS NOT NULL', `n.earth <@ ${g.box()}`, ...walk.open(p, 'n'), `${g.distance} <= ${g.radius}`];
    const where = ['e.mobile', `e.k_full = ${full}`, `e.network_ids && ${p.add(walk.point.coveringNetworkIds)}::uuid[]`, ...walk.open(p, 'e'), ...walk.rows(p, 'e'), `NOT EXISTS (SELECT 1 FROM search_entry n WHERE ${near.join(' AND ')})`];
    return this.dataSource.query(
      `${from.with}
       SELECT * FROM (
         SELECT DISTINCT ON (e.offer_id) e.offer_id, NULL::uuid AS lieu_id, NULL::float8 AS distance_km, ${full} AS k_full,
                ${UNKNOWN}::float8 AS k_dist, coalesce(e.waiting_days, ${UNKNOWN})::float8 AS k_wait
         FROM ${from.from}
         WHERE ${where.join(' AND ')}
         ORDER BY e.offer_id
       ) f
       WHERE ${SearchService.keyset(p, after, 'f')}
       ORDER BY f.k_wait, f.offer_id
       LIMIT ${p.add(need)}`,
      p.values,
    );
  }

  /**
   * The query's tsquery: each word must start a word of the service (accents and case ignored by `relais_fr`);
   * a word of five letters or more that starts no known word also matches the known words within one edit
   * (two from eight letters: a swapped pair), so "mediateque" finds "Médiathèque".
   */
  private async tsquery(text: string): Promise<string> {
    const words = queryWords(text);
    const unknown = words.filter((word) => word.length >= 5);
    if (unknown.length === 0) return toPrefixTsquery(text);
    const rows: Array<{ typed: string; known: string }> = await this.dataSource.query(
      `WITH q AS (SELECT typed, lower(unaccent(typed)) AS w FROM unnest($1::text[]) AS typed)
       SELECT q.typed, s.word AS known FROM q
       JOIN LATERAL (
         SELECT s.word FROM search_word s
         WHERE s.word % q.w AND levenshtein(s.word, q.w) <= CASE WHEN length(q.w) >= 8 THEN 2 ELSE 1 END
         ORDER BY levenshtein(s.word, q.w), s.word LIMIT 5
       ) s ON true
       -- (Starts a known word: a range of the primary key, in byte order.)
       WHERE NOT EXISTS (SELECT 1 FROM search_word k WHERE k.word >= q.w AND k.word < q.w || chr(1114111))`,
      [unknown],
    );
    const corrections = new Map<string, string[]>();
    for (const row of rows) if (/^[\p{L}\p{N}]+$/u.test(row.known)) corrections.set(row.typed, [...(corrections.get(row.typed) ?? []), row.known]);
    return toPrefixTsquery(text, corrections);
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
      // (coalesce stops at the first value: the lieux, thousands in a town, are averaged only without coordinates.)
      `SELECT coalesce(c.latitude, (SELECT avg(latitude) FROM lieu WHERE commune_code = $1 AND NOT deleted AND latitude IS NOT NULL)) AS latitude,
              coalesce(c.longitude, (SELECT avg(longitude) FROM lieu WHERE commune_code = $1 AND NOT deleted AND latitude IS NOT NULL)) AS longitude,
              (SELECT array_agg(n.id) FROM network n WHERE NOT n.deleted AND n.commune_codes @> ARRAY[$1]::text[]) AS networks
       FROM (SELECT 1) one
       LEFT JOIN commune_coordinates c ON c.code = $1`,
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

function sortKey(row: KeyRow): SortKey {
  return [Number(row.k_full), Number(row.k_dist), Number(row.k_wait), row.offer_id];
}

/** The words of a free text query (letters and digits), at most twelve. */
export function queryWords(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, 12)
    .map((word) => word.toLowerCase());
}

/**
 * Free text to a prefix tsquery: each word must appear (as a word start), accents and case ignored by
 * the `relais_fr` configuration, or one of its corrections as a whole word. Empty when nothing searchable is left.
 */
export function toPrefixTsquery(text: string, corrections: ReadonlyMap<string, readonly string[]> = new Map()): string {
  return queryWords(text)
    .map((word) => {
      const known = corrections.get(word) ?? [];
      return known.length ? `('${word}':* | ${known.map((k) => `'${k}'`).join(' | ')})` : `'${word}':*`;
    })
    .join(' & ');
}
