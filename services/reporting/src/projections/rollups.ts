import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { EventContext } from '@relais/messaging';
import { advisoryLocks, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';

/** The network of nobody: an assessment or a sender outside any network is filed under it (never shown as a network). */
export const NO_NETWORK = '00000000-0000-0000-0000-000000000000';

const parisDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (Europe/Paris) of an instant, as YYYY-MM-DD: figures are per French day. */
export function dayOf(instant: string | Date): string {
  return parisDay.format(typeof instant === 'string' ? new Date(instant) : instant);
}

export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/**
 * The rebuild's transactions (rebuild/): one writer applies batches to tables nobody else writes, and holds the
 * turn itself on another connection while it catches up before the switch, so its handlers take no turn. Scoped
 * to the replay's async calls: a live consumer in the same process (the tests) still takes its turn.
 */
const soleWriter = new AsyncLocalStorage<true>();
export function asSoleWriter<T>(work: () => Promise<T>): Promise<T> {
  return soleWriter.run(true, work);
}

/**
 * Every reporting handler takes this before it writes: the consumer's partitions run in parallel and each
 * transaction adds to the same few rollup rows in its own order, which deadlocks; one turn at a time does not
 * (ADR 0007). The lock is the transaction's: taken again for free by its later records, released at commit.
 *
 * False when the event is to be left alone: the rebuild that made the tables in use had applied it already
 * (`replayed_events`, docs/reporting.md "Rebuild"), and the live consumer reaches it after the switch. Checked
 * once the turn is ours, in a statement of its own: a statement that waited for the turn would still see the
 * tables of before the switch.
 */
export async function takeRollupTurn(txHost: TransactionHost<TransactionalAdapterTypeOrm>, context: Pick<EventContext, 'id'>): Promise<boolean> {
  if (soleWriter.getStore()) return true;
  await txHost.tx.query(`SELECT pg_advisory_xact_lock($1)`, [advisoryLocks.reportingRollups]);
  const replayed = await txHost.tx.query<unknown[]>(`SELECT 1 FROM replayed_events WHERE event_id = $1`, [context.id]);
  return replayed.length === 0;
}

/** Where a referral's figures go: the receiving side's networks, structure and role. */
export interface ReferralDimensions {
  networkIds: string[];
  structureId: string;
  role: string;
}

type Column = readonly [name: string, type: 'date' | 'uuid' | 'text' | 'boolean' | 'smallint'];
type Cell = string | boolean | number;

/** Each rollup table's key, in the order its rows are given; `n` is the count added. */
const tables = {
  referral_stage_daily: [['day', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['role', 'text'], ['stage', 'text']],
  referral_stage_monthly: [['month', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['role', 'text'], ['stage', 'text']],
  referral_theme_daily: [['day', 'date'], ['network_id', 'uuid'], ['thematique', 'text'], ['sender_network_id', 'uuid'], ['stage', 'text']],
  referral_theme_monthly: [['month', 'date'], ['network_id', 'uuid'], ['thematique', 'text'], ['sender_network_id', 'uuid'], ['stage', 'text']],
  delay_daily: [['day', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['role', 'text'], ['measure', 'text'], ['within_sla', 'boolean'], ['bucket', 'smallint']],
  delay_monthly: [['month', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['role', 'text'], ['measure', 'text'], ['within_sla', 'boolean'], ['bucket', 'smallint']],
  journey_daily: [['day', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['role', 'text'], ['fact', 'text'], ['detail', 'text']],
  journey_monthly: [['month', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['role', 'text'], ['fact', 'text'], ['detail', 'text']],
  network_stage_daily: [['day', 'date'], ['network_id', 'uuid'], ['stage', 'text']],
  network_stage_monthly: [['month', 'date'], ['network_id', 'uuid'], ['stage', 'text']],
  network_delay_daily: [['day', 'date'], ['network_id', 'uuid'], ['measure', 'text'], ['within_sla', 'boolean'], ['bucket', 'smallint']],
  network_delay_monthly: [['month', 'date'], ['network_id', 'uuid'], ['measure', 'text'], ['within_sla', 'boolean'], ['bucket', 'smallint']],
  network_journey_daily: [['day', 'date'], ['network_id', 'uuid'], ['fact', 'text'], ['detail', 'text']],
  network_journey_monthly: [['month', 'date'], ['network_id', 'uuid'], ['fact', 'text'], ['detail', 'text']],
  structure_stage_daily: [['day', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['stage', 'text']],
  structure_stage_monthly: [['month', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['stage', 'text']],
  structure_acknowledgement_daily: [['day', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['bucket', 'smallint']],
  structure_acknowledgement_monthly: [['month', 'date'], ['network_id', 'uuid'], ['structure_id', 'uuid'], ['bucket', 'smallint']],
  commune_monthly: [['month', 'date'], ['network_id', 'uuid'], ['commune_code', 'text'], ['indicator', 'text']],
  assessment_daily: [['day', 'date'], ['network_id', 'uuid'], ['commune_code', 'text'], ['dimension', 'text'], ['value', 'text']],
} as const satisfies Record<string, readonly Column[]>;
type Table = keyof typeof tables;

const upsertSql = (table: Table): string => {
  const columns = tables[table];
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  return `INSERT INTO ${table} (${names}, n) SELECT * FROM unnest(${arrays}, $${columns.length + 1}::int[])
          ON CONFLICT (${names}) DO UPDATE SET n = ${table}.n + EXCLUDED.n`;
};
const statements = new Map((Object.keys(tables) as Table[]).map((table) => [table, upsertSql(table)]));

/**
 * The additive writes of every projection: each adds 1 to a row of a rollup table, once per network the
 * referral is attributed to, in the consumer's transaction (the inbox makes it exactly once).
 *
 * Live, each call is one upsert per table. In a rebuild (`buffer()` … `flush()`), calls add to counts held in
 * memory and the batch's transaction ends with one multi-row upsert per table: a replay adds to the same few
 * rows again and again (a network's day), which single-row upserts pay for once per event.
 */
@Injectable()
export class Rollups {
  private pending: Map<Table, Map<string, { key: Cell[]; n: number }>> | undefined;

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** From now on, counts are kept until flush() (the rebuild's batches). */
  buffer(): void {
    this.pending = new Map();
  }

  /** Forgets what was not flushed (the batch's transaction was rolled back). */
  discard(): void {
    if (this.pending) this.pending = new Map();
  }

  /** Writes the counts kept since the last flush, in the current transaction. */
  async flush(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    this.pending = new Map();
    for (const [table, rows] of pending) await this.write(table, [...rows.values()]);
  }

  async stage(day: string, dims: ReferralDimensions, stage: string, thematique: string, senderNetworkId: string): Promise<void> {
    const month = monthOf(day);
    await this.add('referral_stage_daily', dims.networkIds.map((network) => [day, network, dims.structureId, dims.role, stage]));
    await this.add('referral_stage_monthly', dims.networkIds.map((network) => [month, network, dims.structureId, dims.role, stage]));
    await this.add('referral_theme_daily', dims.networkIds.map((network) => [day, network, thematique, senderNetworkId, stage]));
    await this.add('referral_theme_monthly', dims.networkIds.map((network) => [month, network, thematique, senderNetworkId, stage]));
    await this.totals(day, dims, 'network_stage', [stage], 'structure_stage', [stage]);
  }

  async delay(day: string, dims: ReferralDimensions, measure: string, withinSla: boolean, bucket: number): Promise<void> {
    const month = monthOf(day);
    await this.add('delay_daily', dims.networkIds.map((network) => [day, network, dims.structureId, dims.role, measure, withinSla, bucket]));
    await this.add('delay_monthly', dims.networkIds.map((network) => [month, network, dims.structureId, dims.role, measure, withinSla, bucket]));
    await this.totals(day, dims, 'network_delay', [measure, withinSla, bucket], measure === 'acknowledgement' ? 'structure_acknowledgement' : null, [bucket]);
  }

  async journey(day: string, dims: ReferralDimensions, fact: string, detail = ''): Promise<void> {
    const month = monthOf(day);
    await this.add('journey_daily', dims.networkIds.map((network) => [day, network, dims.structureId, dims.role, fact, detail]));
    await this.add('journey_monthly', dims.networkIds.map((network) => [month, network, dims.structureId, dims.role, fact, detail]));
    // Exits per structure sit beside its stages: the drop-off by structure reads one table.
    await this.totals(day, dims, 'network_journey', [fact, detail], fact === 'exit' ? 'structure_stage' : null, ['exit']);
  }

  async commune(day: string, networkIds: string[], communeCode: string, indicator: string): Promise<void> {
    await this.add('commune_monthly', networkIds.map((network) => [monthOf(day), network, communeCode, indicator]));
  }

  async assessment(day: string, networkId: string, communeCode: string, dimension: string, values: string[]): Promise<void> {
    await this.add('assessment_daily', values.map((value) => [day, networkId, communeCode, dimension, value]));
  }

  /** The same count in the per-network totals and, if any, the per-structure (all roles) ones (ADR 0007, "Totals"). */
  private async totals(day: string, dims: ReferralDimensions, network: 'network_stage' | 'network_delay' | 'network_journey', networkKey: Cell[], structure: 'structure_stage' | 'structure_acknowledgement' | null, structureKey: Cell[]): Promise<void> {
    const month = monthOf(day);
    await this.add(`${network}_daily`, dims.networkIds.map((id) => [day, id, ...networkKey]));
    await this.add(`${network}_monthly`, dims.networkIds.map((id) => [month, id, ...networkKey]));
    if (structure === null) return;
    await this.add(`${structure}_daily`, dims.networkIds.map((id) => [day, id, dims.structureId, ...structureKey]));
    await this.add(`${structure}_monthly`, dims.networkIds.map((id) => [month, id, dims.structureId, ...structureKey]));
  }

  private async add(table: Table, keys: Cell[][]): Promise<void> {
    if (keys.length === 0) return;
    if (!this.pending) {
      // One referral's networks are distinct, an assessment's barriers made distinct: no key twice in one statement.
      await this.write(table, keys.map((key) => ({ key, n: 1 })));
      return;
    }
    let rows = this.pending.get(table);
    if (!rows) {
      rows = new Map<string, { key: Cell[]; n: number }>();
      this.pending.set(table, rows);
    }
    for (const key of keys) {
      const id = key.join('\u0000');
      const row = rows.get(id);
      if (row) row.n += 1;
      else rows.set(id, { key, n: 1 });
    }
  }

  private async write(table: Table, rows: Array<{ key: Cell[]; n: number }>): Promise<void> {
    const width = tables[table].length;
    const columns: Cell[][] = Array.from({ length: width }, (_, i) => rows.map((row) => row.key[i] ?? ''));
    await this.txHost.tx.query(statements.get(table) ?? '', [...columns, rows.map((row) => row.n)]);
  }
}
