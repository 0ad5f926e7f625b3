import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The directory: networks, structures, lieux, services (table `offer`, see docs/directory.md), their
 * links, the weekly opening intervals precomputed from OSM opening_hours, and commune coordinates.
 *
 * Search runs in SQL on these tables, so the indexes are the search design:
 * - `search_entry.cell` (a 0.05° grid cell of the lieu's position, btree): the bounding-box prefilter
 *   before the haversine distance, with the filters copied beside it (PostGIS is not assumed; neither
 *   earthdistance nor a GiST on points: the planner cannot estimate a box, and then picks nested loops);
 * - the enumerated filters as bit masks on those narrow rows, GIN on their networks;
 * - a French full-text vector with accents folded (`unaccent` inside a text search configuration, so
 *   the generated column stays immutable) for `q`;
 * - each lieu's open minutes of the week as an int4multirange on its search rows, for `openAt` around
 *   a place, and a GiST on the weekly intervals' int4range for `openAt` without one.
 */
export class DirectorySchema1732460000000 implements MigrationInterface {
  name = 'DirectorySchema1732460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await queryRunner.query(`CREATE TEXT SEARCH CONFIGURATION relais_fr (COPY = pg_catalog.french)`);
    await queryRunner.query(
      `ALTER TEXT SEARCH CONFIGURATION relais_fr ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem`,
    );

    await queryRunner.query(`
      CREATE TABLE network (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        department text NOT NULL,
        commune_codes text[] NOT NULL DEFAULT '{}',
        coordinators jsonb NOT NULL DEFAULT '[]',
        sla_acknowledge_business_days integer NOT NULL DEFAULT 2 CHECK (sla_acknowledge_business_days >= 1),
        sla_first_contact_business_days integer NOT NULL DEFAULT 10 CHECK (sla_first_contact_business_days >= 1),
        sla_expire_after_days integer NOT NULL DEFAULT 30 CHECK (sla_expire_after_days >= 1),
        version integer NOT NULL DEFAULT 1,
        deleted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_verified_at timestamptz,
        last_verified_by text
      )`);
    await queryRunner.query(`CREATE INDEX network_commune_codes ON network USING gin (commune_codes)`);

    await queryRunner.query(`
      CREATE TABLE structure (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        siret char(14),
        rna text,
        typology text NOT NULL,
        parent_structure_id uuid REFERENCES structure (id),
        description text,
        contact jsonb NOT NULL DEFAULT '{}',
        referents jsonb NOT NULL DEFAULT '[]',
        labels text[] NOT NULL DEFAULT '{}',
        network_ids uuid[] NOT NULL DEFAULT '{}',
        commune_code text,
        department text NOT NULL,
        source text,
        source_id text,
        version integer NOT NULL DEFAULT 1,
        deleted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_verified_at timestamptz,
        last_verified_by text,
        verification_reminded_at timestamptz
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX structure_source ON structure (source, source_id) WHERE source IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX structure_network_ids ON structure USING gin (network_ids)`);
    await queryRunner.query(`CREATE INDEX structure_last_verified ON structure (last_verified_at) WHERE NOT deleted`);

    await queryRunner.query(`
      CREATE TABLE lieu (
        id uuid PRIMARY KEY,
        structure_id uuid NOT NULL REFERENCES structure (id),
        name text NOT NULL,
        street text,
        postal_code text,
        commune_code text NOT NULL,
        commune_name text,
        latitude double precision CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision CHECK (longitude BETWEEN -180 AND 180),
        opening_hours text,
        accessibility jsonb NOT NULL DEFAULT '{}',
        source text,
        source_id text,
        version integer NOT NULL DEFAULT 1,
        deleted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_verified_at timestamptz,
        last_verified_by text,
        CHECK ((latitude IS NULL) = (longitude IS NULL))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX lieu_source ON lieu (source, source_id) WHERE source IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX lieu_structure ON lieu (structure_id)`);
    await queryRunner.query(`CREATE INDEX lieu_commune ON lieu (commune_code) WHERE NOT deleted`);
    await queryRunner.query(`CREATE INDEX lieu_position ON lieu (latitude, longitude) WHERE NOT deleted AND latitude IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE lieu_opening_interval (
        lieu_id uuid NOT NULL REFERENCES lieu (id) ON DELETE CASCADE,
        start_minute integer NOT NULL CHECK (start_minute BETWEEN 0 AND 10080),
        end_minute integer NOT NULL CHECK (end_minute BETWEEN 0 AND 10080),
        span int4range GENERATED ALWAYS AS (int4range(start_minute, end_minute)) STORED,
        PRIMARY KEY (lieu_id, start_minute),
        CHECK (end_minute > start_minute)
      )`);
    // Which lieux are open at a minute of the week: ranges have statistics, so the planner knows whether
    // that is most lieux (weekday, office hours) or almost none (Sunday night) and plans accordingly.
    await queryRunner.query(`CREATE INDEX lieu_opening_interval_span ON lieu_opening_interval USING gist (span)`);
    await queryRunner.query(`
      CREATE TABLE opening_interval_refresh (
        id integer PRIMARY KEY CHECK (id = 1),
        reference_date date NOT NULL
      )`);

    await queryRunner.query(`
      CREATE TABLE offer (
        id uuid PRIMARY KEY,
        structure_id uuid NOT NULL REFERENCES structure (id),
        name text NOT NULL,
        description text,
        roles text[] NOT NULL,
        thematiques text[] NOT NULL DEFAULT '{}',
        publics text[] NOT NULL DEFAULT '{tous-publics}',
        languages text[] NOT NULL DEFAULT '{fr}',
        accessibility_features text[] NOT NULL DEFAULT '{}',
        modalities text[] NOT NULL DEFAULT '{sur-place}',
        fees text[] NOT NULL DEFAULT '{}',
        fees_details text,
        referral_methods jsonb NOT NULL DEFAULT '[]',
        accepts_relais_referrals boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
        suspended_until date,
        open_slots_per_week integer CHECK (open_slots_per_week >= 0),
        waiting_days integer CHECK (waiting_days >= 0),
        capacity_updated_at timestamptz,
        capacity_updated_by text,
        network_ids uuid[] NOT NULL DEFAULT '{}',
        search_text text NOT NULL DEFAULT '',
        search_vector tsvector GENERATED ALWAYS AS (to_tsvector('relais_fr'::regconfig, search_text)) STORED,
        source text,
        source_id text,
        version integer NOT NULL DEFAULT 1,
        deleted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_verified_at timestamptz,
        last_verified_by text,
        CHECK (cardinality(roles) >= 1)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX offer_source ON offer (source, source_id) WHERE source IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX offer_structure ON offer (structure_id)`);
    await queryRunner.query(`CREATE INDEX offer_search_vector ON offer USING gin (search_vector) WHERE NOT deleted`);
    await queryRunner.query(`CREATE INDEX offer_network_ids ON offer USING gin (network_ids) WHERE NOT deleted`);

    await queryRunner.query(`
      CREATE TABLE offer_lieu (
        offer_id uuid NOT NULL REFERENCES offer (id) ON DELETE CASCADE,
        lieu_id uuid NOT NULL REFERENCES lieu (id),
        PRIMARY KEY (offer_id, lieu_id)
      )`);
    await queryRunner.query(`CREATE INDEX offer_lieu_lieu ON offer_lieu (lieu_id)`);

    // The search index: one narrow row per service and lieu (or one without lieu), with the lieu's
    // position and grid cell, and the enumerated filters as bit masks (positions in the vocabularies of
    // src/shared/vocabulary.ts), kept in step by the application at every change of a service, its
    // structure or its lieux. A search around a commune reads the cells of its box over small rows,
    // filtered in place; the text filter joins the services' full-text index.
    await queryRunner.query(`
      CREATE TABLE search_entry (
        offer_id uuid NOT NULL REFERENCES offer (id) ON DELETE CASCADE,
        lieu_id uuid REFERENCES lieu (id) ON DELETE CASCADE,
        position point,
        -- A 0.05° grid cell (about 5.5 km by 3.7 km here): the bounding box becomes a short list of cells,
        -- an indexed equality whose selectivity the planner estimates from statistics (it cannot for a
        -- geometric box), so it picks hash joins for the other filters.
        cell integer GENERATED ALWAYS AS (
          CASE WHEN position IS NULL THEN NULL ELSE floor(position[1] / 0.05)::integer * 10000 + floor(position[0] / 0.05)::integer END
        ) STORED,
        mobile boolean NOT NULL,
        roles_mask integer NOT NULL,
        thematiques_mask bigint NOT NULL,
        publics_mask integer NOT NULL,
        modalities_mask integer NOT NULL,
        languages text[] NOT NULL,
        network_ids uuid[] NOT NULL,
        accepts_relais_referrals boolean NOT NULL,
        hidden_until date,
        -- The lieu's open minutes of the week (from lieu_opening_interval): \`openAt\` is one containment
        -- test on the row, no join.
        open_minutes int4multirange,
        open_slots_per_week integer,
        waiting_days integer,
        -- One row per service is its primary row (its first lieu, or its only row): a search without a
        -- place walks these rows in result order (index below) and stops as soon as a page is full.
        is_primary boolean NOT NULL,
        k_full smallint GENERATED ALWAYS AS (CASE WHEN open_slots_per_week = 0 THEN 1 ELSE 0 END) STORED,
        k_wait integer GENERATED ALWAYS AS (coalesce(waiting_days, 1000000000)) STORED
      )`);
    // Covering, so the walk tests the filters on the index alone.
    await queryRunner.query(`
      CREATE INDEX search_entry_ranking ON search_entry (k_full, k_wait, offer_id)
        INCLUDE (roles_mask, thematiques_mask, publics_mask, modalities_mask, hidden_until, network_ids, languages, accepts_relais_referrals)
        WHERE is_primary`);
    // Covering: a search around a commune reads the cells' rows in index order (an index-only scan, rows
    // of one area side by side) instead of fetching them from all over the heap.
    await queryRunner.query(`
      CREATE INDEX search_entry_cell ON search_entry (cell) INCLUDE (offer_id, lieu_id, position, roles_mask, thematiques_mask,
        publics_mask, modalities_mask, languages, network_ids, accepts_relais_referrals, hidden_until, open_minutes, open_slots_per_week, waiting_days)`);
    await queryRunner.query(`CREATE INDEX search_entry_network_ids ON search_entry USING gin (network_ids)`);
    await queryRunner.query(`CREATE INDEX search_entry_mobile_network_ids ON search_entry USING gin (network_ids) WHERE mobile`);
    await queryRunner.query(`CREATE INDEX search_entry_lieu ON search_entry (lieu_id)`);
    await queryRunner.query(`
      CREATE TABLE search_index_state (
        id integer PRIMARY KEY CHECK (id = 1),
        vocabulary text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX search_entry_offer ON search_entry (offer_id)`);

    // The last demo seed applied: \`seed\` at every \`npm start\` rewrites nothing unless the demo itself changed.
    await queryRunner.query(`
      CREATE TABLE seed_state (
        name text PRIMARY KEY,
        fingerprint text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE commune_coordinates (
        code text PRIMARY KEY,
        name text NOT NULL,
        latitude double precision NOT NULL,
        longitude double precision NOT NULL,
        source text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['commune_coordinates', 'seed_state', 'search_index_state', 'search_entry', 'offer_lieu', 'offer', 'opening_interval_refresh', 'lieu_opening_interval', 'lieu', 'structure', 'network']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await queryRunner.query(`DROP TEXT SEARCH CONFIGURATION IF EXISTS relais_fr`);
  }
}
