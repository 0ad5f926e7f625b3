import type { MigrationInterface, QueryRunner } from 'typeorm';
import { feesBeforeV1, publicsBeforeV1, thematiquesBeforeV1 } from '@relais/contracts';

/**
 * Services move to data·inclusion v1's vocabularies (docs/standards.md, the table old → new, which is
 * `libs/contracts/src/referentiels/values-before-v1.ts`): thématiques and publics are mapped (one old value may give several
 * or merge with another), fees become gratuit or payant with the rest said in `fees_details`. Each changed
 * service's version grows, so the read models of other services take its next snapshot.
 *
 * v1 has 69 thématiques: the search index's thématiques mask (a bigint, 64 bits) becomes a bit(128); the
 * index is rebuilt at the next start (its vocabulary fingerprint changed). `vocabulary_upgrade` holds the
 * work SQL cannot do, done once at the next start by vocabularies/vocabulary-upgrade.ts: each service's
 * search text (built from the new labels), and every service's snapshot v2 published.
 *
 * `down` restores the column types only: the values' mapping is not one to one and cannot be undone.
 */
export class DataInclusionV1Vocabularies1765100000000 implements MigrationInterface {
  name = 'DataInclusionV1Vocabularies1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await moveServicesToDataInclusionV1(queryRunner);
    await queryRunner.query(`DELETE FROM search_entry`);
    await queryRunner.query(`DELETE FROM search_index_state`);
    await queryRunner.query(`ALTER TABLE search_entry ALTER COLUMN thematiques_mask TYPE bit(128) USING 0::bit(128)`);

    await queryRunner.query(`
      CREATE TABLE vocabulary_upgrade (
        name text PRIMARY KEY,
        requested_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO vocabulary_upgrade (name) VALUES ('data-inclusion-v1')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE vocabulary_upgrade`);
    await queryRunner.query(`DELETE FROM search_entry`);
    await queryRunner.query(`DELETE FROM search_index_state`);
    await queryRunner.query(`ALTER TABLE search_entry ALTER COLUMN thematiques_mask TYPE bigint USING 0`);
  }
}

/** The values of every stored service, old → v1 (exported for its test: the migration itself runs once). */
export async function moveServicesToDataInclusionV1(queryRunner: QueryRunner): Promise<void> {
  const thematiquePairs = Object.entries(thematiquesBeforeV1).flatMap(([before, after]) => after.map((value, rank) => [before, value, rank]));
  const publicPairs = Object.entries(publicsBeforeV1).map(([before, after]) => [before, after, 0]);
  // A value with no row in the map is kept (already a v1 value); order is kept, duplicates dropped.
  const remap = (column: string, list: string) => `ARRAY(
      SELECT m.value FROM (
        SELECT coalesce(vm.after, t.value) AS value, min(t.ordinal * 10 + coalesce(vm.rank, 0)) AS place
        FROM unnest(o.${column}) WITH ORDINALITY t(value, ordinal)
        LEFT JOIN (SELECT before, after, rank FROM vocabulary_map WHERE list = '${list}') vm
          ON vm.before = t.value
        GROUP BY 1
      ) m ORDER BY m.place)`;
  const feeCases = Object.entries(feesBeforeV1);
  const feeValue = `CASE f.value ${feeCases.map(([before, { fee }]) => `WHEN '${before}' THEN '${fee}'`).join(' ')} ELSE f.value END`;
  const feeDetail = `CASE f.value ${feeCases.map(([before, { details }]) => `WHEN '${before}' THEN ${details ? `'${details.replace(/'/g, "''")}'` : 'NULL'}`).join(' ')} END`;
  await queryRunner.query(
    `
    WITH vocabulary_map (list, before, after, rank) AS (
      SELECT 'thematiques', e ->> 0, e ->> 1, (e ->> 2)::int FROM jsonb_array_elements($1::jsonb) e
      UNION ALL
      SELECT 'publics', e ->> 0, e ->> 1, (e ->> 2)::int FROM jsonb_array_elements($2::jsonb) e
    )
    UPDATE offer o SET
      thematiques = ${remap('thematiques', 'thematiques')},
      publics = ${remap('publics', 'publics')},
      fees = ARRAY(SELECT DISTINCT ${feeValue} FROM unnest(o.fees) f(value) ORDER BY 1),
      fees_details = CASE
        WHEN (SELECT string_agg(${feeDetail}, ' ; ') FROM unnest(o.fees) f(value)) IS NULL THEN o.fees_details
        WHEN o.fees_details IS NULL THEN (SELECT string_agg(${feeDetail}, ' ; ') FROM unnest(o.fees) f(value))
        ELSE o.fees_details || ' ; ' || (SELECT string_agg(${feeDetail}, ' ; ') FROM unnest(o.fees) f(value))
      END,
      version = o.version + 1,
      updated_at = now()
    WHERE EXISTS (SELECT 1 FROM unnest(o.thematiques || o.publics) v JOIN vocabulary_map vm ON vm.before = v AND vm.before <> vm.after)
       OR EXISTS (SELECT 1 FROM unnest(o.fees) f WHERE f NOT IN ('gratuit', 'payant'))`,
    [JSON.stringify(thematiquePairs), JSON.stringify(publicPairs)],
  );
}
