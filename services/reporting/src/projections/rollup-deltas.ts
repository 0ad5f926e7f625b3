import { monthOf, type ReferralDimensions } from './dimensions';

type Column = readonly [name: string, type: 'date' | 'uuid' | 'text' | 'boolean' | 'smallint'];
export type Cell = string | boolean | number | null;

/** Each rollup table's key, in the order its rows are given; `n` is the count added. */
export const rollupTables = {
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
  // The first projection (every event per day, type and network): its count column is `count`, its network may be null.
  activity_daily: [['day', 'date'], ['event_type', 'text'], ['network_id', 'uuid']],
} as const satisfies Record<string, readonly Column[]>;
export type RollupTable = keyof typeof rollupTables;

export interface RollupRow {
  key: Cell[];
  n: number;
}

/**
 * What events add to the rollup tables, summed in memory: the rules (referral.rules.ts, assessment.rules.ts,
 * activity.rules.ts) add to it, the writer (ProjectionWriter) turns each table's rows into one upsert. A batch of
 * a thousand replayed events adds to the same few rows (a network's day) again and again: summed here, each row is
 * written once per batch. Pure: no I/O, unit-tested through the rules.
 */
export class RollupDeltas {
  readonly tables = new Map<RollupTable, Map<string, RollupRow>>();

  stage(day: string, dims: ReferralDimensions, stage: string, thematique: string, senderNetworkId: string): void {
    const month = monthOf(day);
    this.add('referral_stage_daily', dims.networkIds.map((network) => [day, network, dims.structureId, dims.role, stage]));
    this.add('referral_stage_monthly', dims.networkIds.map((network) => [month, network, dims.structureId, dims.role, stage]));
    this.add('referral_theme_daily', dims.networkIds.map((network) => [day, network, thematique, senderNetworkId, stage]));
    this.add('referral_theme_monthly', dims.networkIds.map((network) => [month, network, thematique, senderNetworkId, stage]));
    this.totals(day, dims, 'network_stage', [stage], 'structure_stage', [stage]);
  }

  delay(day: string, dims: ReferralDimensions, measure: string, withinSla: boolean, bucket: number): void {
    const month = monthOf(day);
    this.add('delay_daily', dims.networkIds.map((network) => [day, network, dims.structureId, dims.role, measure, withinSla, bucket]));
    this.add('delay_monthly', dims.networkIds.map((network) => [month, network, dims.structureId, dims.role, measure, withinSla, bucket]));
    this.totals(day, dims, 'network_delay', [measure, withinSla, bucket], measure === 'acknowledgement' ? 'structure_acknowledgement' : null, [bucket]);
  }

  journey(day: string, dims: ReferralDimensions, fact: string, detail = ''): void {
    const month = monthOf(day);
    this.add('journey_daily', dims.networkIds.map((network) => [day, network, dims.structureId, dims.role, fact, detail]));
    this.add('journey_monthly', dims.networkIds.map((network) => [month, network, dims.structureId, dims.role, fact, detail]));
    // Exits per structure sit beside its stages: the drop-off by structure reads one table.
    this.totals(day, dims, 'network_journey', [fact, detail], fact === 'exit' ? 'structure_stage' : null, ['exit']);
  }

  commune(day: string, networkIds: string[], communeCode: string, indicator: string): void {
    this.add('commune_monthly', networkIds.map((network) => [monthOf(day), network, communeCode, indicator]));
  }

  assessment(day: string, networkId: string, communeCode: string, dimension: string, values: string[]): void {
    this.add('assessment_daily', values.map((value) => [day, networkId, communeCode, dimension, value]));
  }

  activity(day: string, eventType: string, networkId: string | null): void {
    this.add('activity_daily', [[day, eventType, networkId]]);
  }

  /** Distinct rows held, every table together (what bounds the memory of deltas kept across batches). */
  get size(): number {
    let rows = 0;
    for (const table of this.tables.values()) rows += table.size;
    return rows;
  }

  /** Adds another run's deltas to these (the rebuild keeps its batches' deltas until a flush). */
  merge(other: RollupDeltas): void {
    for (const [table, rows] of other.tables) {
      let mine = this.tables.get(table);
      if (!mine) {
        mine = new Map<string, RollupRow>();
        this.tables.set(table, mine);
      }
      for (const [id, row] of rows) {
        const held = mine.get(id);
        if (held) held.n += row.n;
        else mine.set(id, row);
      }
    }
  }

  /** Every row with its count, table by table (what the writer upserts). */
  rows(table: RollupTable): RollupRow[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  /** The same count in the per-network totals and, if any, the per-structure (all roles) ones (ADR 0007, "Totals"). */
  private totals(day: string, dims: ReferralDimensions, network: 'network_stage' | 'network_delay' | 'network_journey', networkKey: Cell[], structure: 'structure_stage' | 'structure_acknowledgement' | null, structureKey: Cell[]): void {
    const month = monthOf(day);
    this.add(`${network}_daily`, dims.networkIds.map((id) => [day, id, ...networkKey]));
    this.add(`${network}_monthly`, dims.networkIds.map((id) => [month, id, ...networkKey]));
    if (structure === null) return;
    this.add(`${structure}_daily`, dims.networkIds.map((id) => [day, id, dims.structureId, ...structureKey]));
    this.add(`${structure}_monthly`, dims.networkIds.map((id) => [month, id, dims.structureId, ...structureKey]));
  }

  private add(table: RollupTable, keys: Cell[][]): void {
    if (keys.length === 0) return;
    let rows = this.tables.get(table);
    if (!rows) {
      rows = new Map<string, RollupRow>();
      this.tables.set(table, rows);
    }
    for (const key of keys) {
      const id = key.map((cell) => (cell === null ? '\u0001' : String(cell))).join('\u0000');
      const row = rows.get(id);
      if (row) row.n += 1;
      else rows.set(id, { key, n: 1 });
    }
  }
}
