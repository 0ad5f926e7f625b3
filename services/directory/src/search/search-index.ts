import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { advisoryLocks, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { OfferLieu } from '../offers/offer.entity';
import { mobileModalities, modalities, publics, roles, thematiques } from '../shared/vocabulary';

/**
 * The vocabularies whose positions are the bits of the masks in `search_entry`. Changing a list changes
 * the meaning of the bits: the index is then rebuilt at the next start (see onApplicationBootstrap).
 */
export const MASK_VOCABULARIES = { roles, thematiques, publics, modalities } as const;
export type MaskVocabulary = keyof typeof MASK_VOCABULARIES;

/** The bit mask of some values of a vocabulary (unknown values are never asked: the API refuses them). */
export function mask(vocabulary: MaskVocabulary, values: readonly string[]): bigint {
  const list = MASK_VOCABULARIES[vocabulary] as readonly string[];
  let bits = 0n;
  for (const value of values) {
    const position = list.indexOf(value);
    if (position >= 0) bits |= 1n << BigInt(position);
  }
  return bits;
}

/**
 * The thématiques mask is a bit string (data·inclusion v1 has 69 thématiques, more than a bigint holds):
 * bit i, counted from the left, is the thématique at position i. The others are integers.
 */
export const THEMATIQUES_MASK_BITS = 128;
if (thematiques.length > THEMATIQUES_MASK_BITS) throw new Error(`search_entry.thematiques_mask holds ${THEMATIQUES_MASK_BITS} thématiques, not ${thematiques.length}: widen it`);

/** The thématiques mask as a bit string literal for `::bit(128)` (`'0100…'`). */
export function thematiquesMaskBits(values: readonly string[]): string {
  const bits = Array.from({ length: THEMATIQUES_MASK_BITS }, () => '0');
  for (const value of values) {
    const position = (thematiques as readonly string[]).indexOf(value);
    if (position >= 0) bits[position] = '1';
  }
  return bits.join('');
}

const vocabularyFingerprint = JSON.stringify({ ...MASK_VOCABULARIES, thematiquesMaskBits: THEMATIQUES_MASK_BITS });

const maskSql = (column: string, parameter: string) =>
  `(SELECT coalesce(bit_or(1::bigint << (array_position(${parameter}::text[], v) - 1)), 0) FROM unnest(${column}) v WHERE array_position(${parameter}::text[], v) IS NOT NULL)`;
const bitMaskSql = (column: string, parameter: string) =>
  `(SELECT coalesce(bit_or(set_bit(0::bit(${THEMATIQUES_MASK_BITS}), array_position(${parameter}::text[], v) - 1, 1)), 0::bit(${THEMATIQUES_MASK_BITS}))
    FROM unnest(${column}) v WHERE array_position(${parameter}::text[], v) IS NOT NULL)`;

export const SEARCH_ENTRY_COLUMNS = `offer_id, lieu_id, position, mobile, roles_mask, thematiques_mask, publics_mask, modalities_mask,
  languages, network_ids, accepts_relais_referrals, hidden_until, open_minutes, open_slots_per_week, waiting_days, is_primary, search_vector`;

/** A lieu's open minutes of the week as one multirange, from its precomputed intervals. */
export const OPEN_MINUTES_OF_LIEU = (lieu: string) => `(SELECT range_agg(h.span) FROM lieu_opening_interval h WHERE h.lieu_id = ${lieu})`;


/**
 * The rows of `search_entry` for the services matching `condition` (on `o`), as one INSERT … SELECT.
 * Parameters $1…$5 are the vocabularies (roles, thématiques, publics, modalities, mobile modalities).
 */
export function searchEntryInsert(condition: string): string {
  return `INSERT INTO search_entry (${SEARCH_ENTRY_COLUMNS})
    SELECT o.id, l.id, CASE WHEN l.latitude IS NOT NULL THEN point(l.longitude, l.latitude) END,
           o.modalities && $5::text[],
           ${maskSql('o.roles', '$1')}::int, ${bitMaskSql('o.thematiques', '$2')}, ${maskSql('o.publics', '$3')}::int, ${maskSql('o.modalities', '$4')}::int,
           o.languages, o.network_ids, o.accepts_relais_referrals,
           CASE WHEN o.status = 'suspended' THEN coalesce(o.suspended_until, 'infinity'::date) END,
           ${OPEN_MINUTES_OF_LIEU('l.id')},
           o.open_slots_per_week, o.waiting_days,
           row_number() OVER (PARTITION BY o.id ORDER BY l.id NULLS LAST) = 1,
           o.search_vector
    FROM offer o
    LEFT JOIN offer_lieu ol ON ol.offer_id = o.id
    LEFT JOIN lieu l ON l.id = ol.lieu_id AND NOT l.deleted
    WHERE NOT o.deleted AND o.status <> 'closed' AND (${condition})`;
}

export const searchEntryVocabularyParameters = (): unknown[] => [roles, thematiques, publics, modalities, mobileModalities];

/**
 * The words of the services matching `condition` (on `o`) into `search_word`, the lexicon a misspelt
 * word of a query is corrected against (unaccented, lower case, as the query's words are compared).
 */
export function searchWordsInsert(condition: string): string {
  return `INSERT INTO search_word (word)
    SELECT DISTINCT w FROM offer o, regexp_split_to_table(lower(unaccent(o.search_text)), '[^[:alnum:]]+') w
    WHERE NOT o.deleted AND length(w) >= 3 AND w !~ '^[0-9]+$' AND (${condition})
    ON CONFLICT DO NOTHING`;
}

/**
 * Keeps the search index in step: the writers call it, in the same transaction, whenever a service, its
 * structure or one of its lieux changes — right before they publish the service's snapshot, so the
 * directory's own search and the other services' read models follow the same changes.
 */
@Injectable()
export class SearchIndex implements OnApplicationBootstrap {
  private readonly logger = new Logger('SearchIndex');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
  ) {}

  async refresh(offerIds: readonly string[]): Promise<void> {
    if (offerIds.length === 0) return;
    const manager = this.txHost.tx;
    const ids = [...new Set(offerIds)];
    await manager.query(`DELETE FROM search_entry WHERE offer_id = ANY($1::uuid[])`, [ids]);
    await manager.query(searchEntryInsert('o.id = ANY($6::uuid[])'), [...searchEntryVocabularyParameters(), ids]);
    await manager.query(searchWordsInsert('o.id = ANY($1::uuid[])'), [ids]);
  }

  /** The services offered at a lieu (after its hours, address or position changed). */
  async refreshServicesAtLieu(lieuId: string): Promise<void> {
    const rows = await this.txHost.tx.getRepository(OfferLieu).find({ where: { lieuId } });
    await this.refresh(rows.map((row) => row.offerId));
  }

  /** Rebuilds every row (after a vocabulary change, or bulk loads). */
  async rebuild(manager: EntityManager = this.txHost.tx): Promise<void> {
    await manager.query(`DELETE FROM search_entry`);
    await manager.query(searchEntryInsert('true'), searchEntryVocabularyParameters());
    await manager.query(searchWordsInsert('true'));
    await manager.query(
      `INSERT INTO search_index_state (id, vocabulary) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET vocabulary = excluded.vocabulary`,
      [vocabularyFingerprint],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // One replica rebuilds; the others wait on the lock and then find the index current.
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [advisoryLocks.directorySearchIndex]);
      const [state] = await manager.query<Array<{ vocabulary: string }>>(`SELECT vocabulary FROM search_index_state WHERE id = 1`);
      if (state?.vocabulary === vocabularyFingerprint) return;
      this.logger.log('vocabulaire changé (ou première mise en route) : reconstruction de l’index de recherche');
      await this.rebuild(manager);
    });
  }
}
