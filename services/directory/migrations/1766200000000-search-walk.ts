import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search around a commune walks the lieux nearest first and stops once a page is known, instead of
 * ranking every service within the radius (issue 16: 20 000 candidates around Lorient at 30 km); and
 * free text forgives a one-letter typo.
 *
 * - `search_entry.earth`: the lieu's position as a point on the unit sphere (`cube`, a trusted
 *   extension; earthdistance is not trusted and PostGIS is not assumed). The straight-line distance
 *   between two such points grows with the great-circle distance, so a GiST walk ordered by `<->`
 *   meets lieux in the order of the haversine the results are sorted by, and `<@ cube_enlarge(…)` is
 *   the radius' bounding box, both served by the index.
 * - One GiST per capacity class (`k_full`, the first sort key), on the position and the lieu's open
 *   minutes: an `openAt` when almost nothing is open (a night, a Sunday) prunes whole subtrees instead
 *   of testing every lieu within the radius.
 * - The 0.05° grid cell and its covering index served the previous plan only: dropped.
 * - The service's text vector copied on its rows (`search_vector`, GIN): `q` is tested on the row walked, and a
 *   word few services hold leads the search through the GIN.
 * - `search_word`: every word of the services' searchable text, unaccented and in lower case, with a
 *   trigram index, so a word of the query that no service contains is matched against the words
 *   within one edit (`fuzzystrmatch`'s levenshtein, both trusted). Words are only added (by the
 *   writers, with the search rows); a word no service holds any more expands to nothing.
 */
export class SearchWalk1766200000000 implements MigrationInterface {
  name = 'SearchWalk1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS cube`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`);
    await queryRunner.query(`
      ALTER TABLE search_entry ADD COLUMN earth cube GENERATED ALWAYS AS (
        CASE WHEN position IS NULL THEN NULL ELSE cube(ARRAY[
          cos(radians(position[1])) * cos(radians(position[0])),
          cos(radians(position[1])) * sin(radians(position[0])),
          sin(radians(position[1]))
        ]) END
      ) STORED`);
    for (const full of [0, 1]) {
      await queryRunner.query(`CREATE INDEX search_entry_walk_${full} ON search_entry USING gist (earth, open_minutes) WHERE k_full = ${full} AND earth IS NOT NULL`);
    }
    await queryRunner.query(`ALTER TABLE search_entry DROP COLUMN cell`);
    // The service's text vector on each of its rows: the walk tests `q` on the row it reads, no lookup of the
    // service; and when few services hold the words, their rows are found through this GIN instead.
    await queryRunner.query(`ALTER TABLE search_entry ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''`);
    await queryRunner.query(`UPDATE search_entry e SET search_vector = o.search_vector FROM offer o WHERE o.id = e.offer_id`);
    await queryRunner.query(`CREATE INDEX search_entry_search_vector ON search_entry USING gin (search_vector)`);

    // Byte order whatever the database's collation: "starts with" is then a range of the primary key.
    await queryRunner.query(`CREATE TABLE search_word (word text COLLATE "C" PRIMARY KEY)`);
    await queryRunner.query(`CREATE INDEX search_word_trigrams ON search_word USING gin (word gin_trgm_ops)`);
    await queryRunner.query(`
      INSERT INTO search_word (word)
      SELECT DISTINCT w FROM offer o, regexp_split_to_table(lower(unaccent(o.search_text)), '[^[:alnum:]]+') w
      WHERE NOT o.deleted AND length(w) >= 3 AND w !~ '^[0-9]+$'
      ON CONFLICT DO NOTHING`);
    await queryRunner.query(`ANALYZE search_entry`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE search_word`);
    await queryRunner.query(`ALTER TABLE search_entry DROP COLUMN search_vector`);
    await queryRunner.query(`DROP INDEX search_entry_walk_0`);
    await queryRunner.query(`DROP INDEX search_entry_walk_1`);
    await queryRunner.query(`ALTER TABLE search_entry DROP COLUMN earth`);
    await queryRunner.query(`
      ALTER TABLE search_entry ADD COLUMN cell integer GENERATED ALWAYS AS (
        CASE WHEN position IS NULL THEN NULL ELSE floor(position[1] / 0.05)::integer * 10000 + floor(position[0] / 0.05)::integer END
      ) STORED`);
    await queryRunner.query(`
      CREATE INDEX search_entry_cell ON search_entry (cell) INCLUDE (offer_id, lieu_id, position, roles_mask, thematiques_mask,
        publics_mask, modalities_mask, languages, network_ids, accepts_relais_referrals, hidden_until, open_minutes, open_slots_per_week, waiting_days)`);
  }
}
