import { Injectable } from '@nestjs/common';
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
 * Every reporting handler takes this before it writes: the consumer's partitions run in parallel and each
 * transaction adds to the same few rollup rows in its own order, which deadlocks; one turn at a time does not
 * (ADR 0007). The lock is the transaction's: taken again for free by its later records, released at commit.
 */
export async function takeRollupTurn(txHost: TransactionHost<TransactionalAdapterTypeOrm>): Promise<void> {
  await txHost.tx.query(`SELECT pg_advisory_xact_lock($1)`, [advisoryLocks.reportingRollups]);
}

/** Where a referral's figures go: the receiving side's networks, structure and role. */
export interface ReferralDimensions {
  networkIds: string[];
  structureId: string;
  role: string;
}

/**
 * The additive writes of every projection: each adds 1 to a row of a rollup table, once per network the
 * referral is attributed to, in the consumer's transaction (the inbox makes it exactly once).
 */
@Injectable()
export class Rollups {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async stage(day: string, dims: ReferralDimensions, stage: string, thematique: string, senderNetworkId: string): Promise<void> {
    if (dims.networkIds.length === 0) return;
    await this.txHost.tx.query(
      `INSERT INTO referral_stage_daily (day, network_id, structure_id, role, stage, n)
       SELECT $1::date, network_id, $3::uuid, $4, $5, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (network_id, day, structure_id, role, stage) DO UPDATE SET n = referral_stage_daily.n + 1`,
      [day, dims.networkIds, dims.structureId, dims.role, stage],
    );
    await this.txHost.tx.query(
      `INSERT INTO referral_stage_monthly (month, network_id, structure_id, role, stage, n)
       SELECT date_trunc('month', $1::date)::date, network_id, $3::uuid, $4, $5, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (network_id, month, structure_id, role, stage) DO UPDATE SET n = referral_stage_monthly.n + 1`,
      [day, dims.networkIds, dims.structureId, dims.role, stage],
    );
    await this.txHost.tx.query(
      `INSERT INTO referral_theme_daily (day, network_id, thematique, sender_network_id, stage, n)
       SELECT $1::date, network_id, $3, $4::uuid, $5, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (network_id, day, thematique, sender_network_id, stage) DO UPDATE SET n = referral_theme_daily.n + 1`,
      [day, dims.networkIds, thematique, senderNetworkId, stage],
    );
    await this.txHost.tx.query(
      `INSERT INTO referral_theme_monthly (month, network_id, thematique, sender_network_id, stage, n)
       SELECT date_trunc('month', $1::date)::date, network_id, $3, $4::uuid, $5, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (network_id, month, thematique, sender_network_id, stage) DO UPDATE SET n = referral_theme_monthly.n + 1`,
      [day, dims.networkIds, thematique, senderNetworkId, stage],
    );
  }

  async delay(day: string, dims: ReferralDimensions, measure: string, withinSla: boolean, bucket: number): Promise<void> {
    if (dims.networkIds.length === 0) return;
    await this.txHost.tx.query(
      `INSERT INTO delay_daily (day, network_id, structure_id, role, measure, within_sla, bucket, n)
       SELECT $1::date, network_id, $3::uuid, $4, $5, $6, $7, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (network_id, day, structure_id, role, measure, within_sla, bucket) DO UPDATE SET n = delay_daily.n + 1`,
      [day, dims.networkIds, dims.structureId, dims.role, measure, withinSla, bucket],
    );
    await this.txHost.tx.query(
      `INSERT INTO delay_monthly (month, network_id, structure_id, role, measure, within_sla, bucket, n)
       SELECT date_trunc('month', $1::date)::date, network_id, $3::uuid, $4, $5, $6, $7, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (network_id, month, structure_id, role, measure, within_sla, bucket) DO UPDATE SET n = delay_monthly.n + 1`,
      [day, dims.networkIds, dims.structureId, dims.role, measure, withinSla, bucket],
    );
  }

  async journey(day: string, dims: ReferralDimensions, fact: string, detail = ''): Promise<void> {
    if (dims.networkIds.length === 0) return;
    await this.txHost.tx.query(
      `INSERT INTO journey_daily (day, network_id, structure_id, role, fact, detail, n)
       SELECT $1::date, network_id, $3::uuid, $4, $5, $6, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (network_id, day, structure_id, role, fact, detail) DO UPDATE SET n = journey_daily.n + 1`,
      [day, dims.networkIds, dims.structureId, dims.role, fact, detail],
    );
    await this.txHost.tx.query(
      `INSERT INTO journey_monthly (month, network_id, structure_id, role, fact, detail, n)
       SELECT date_trunc('month', $1::date)::date, network_id, $3::uuid, $4, $5, $6, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (network_id, month, structure_id, role, fact, detail) DO UPDATE SET n = journey_monthly.n + 1`,
      [day, dims.networkIds, dims.structureId, dims.role, fact, detail],
    );
  }

  async commune(day: string, networkIds: string[], communeCode: string, indicator: string): Promise<void> {
    if (networkIds.length === 0) return;
    await this.txHost.tx.query(
      `INSERT INTO commune_monthly (month, network_id, commune_code, indicator, n)
       SELECT $1::date, network_id, $3, $4, 1 FROM unnest($2::uuid[]) AS network_id
       ON CONFLICT (month, network_id, commune_code, indicator) DO UPDATE SET n = commune_monthly.n + 1`,
      [monthOf(day), networkIds, communeCode, indicator],
    );
  }

  async assessment(day: string, networkId: string, communeCode: string, dimension: string, values: string[]): Promise<void> {
    if (values.length === 0) return;
    await this.txHost.tx.query(
      `INSERT INTO assessment_daily (day, network_id, commune_code, dimension, value, n)
       SELECT $1::date, $2::uuid, $3, $4, value, 1 FROM unnest($5::text[]) AS value
       ON CONFLICT (network_id, day, commune_code, dimension, value) DO UPDATE SET n = assessment_daily.n + 1`,
      [day, networkId, communeCode, dimension, values],
    );
  }
}
