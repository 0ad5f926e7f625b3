import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { EventType } from '@relais/contracts';
import type { EventContext } from '@relais/messaging';
import { advisoryLocks, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { activityRules } from './activity.rules';
import { assessmentRules } from './assessment.rules';
import { asProjectionEvent, type ProjectionEvent, type ProjectionRules } from './projection-event';
import { ProjectionState, type LoadedRows, type PendingStep, type ReferralState, type ServiceFacts, type StructureFacts } from './projection-state';
import { referralKeys, referralRules } from './referral.rules';
import { rollupTables, type RollupDeltas, type RollupTable } from './rollup-deltas';

export { dayOf, monthOf, NO_NETWORK, type ReferralDimensions } from './dimensions';

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

/** Every set of rules, in the order they apply to an event (the live handlers register them in that order too). */
const everyRules: ReadonlyArray<ProjectionRules> = [referralRules, assessmentRules, activityRules];

/** The rules an event of that type goes through. */
export function rulesOf(type: EventType): ProjectionRules[] {
  return everyRules.filter((rules) => rules.types.includes(type));
}

const upsertSql = (table: RollupTable): string => {
  const columns = rollupTables[table];
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const [count, conflict] = table === 'activity_daily' ? ['count', 'ON CONSTRAINT activity_daily_unique'] : ['n', `(${names})`];
  return `INSERT INTO ${table} (${names}, ${count}) SELECT * FROM unnest(${arrays}, $${columns.length + 1}::int[])
          ON CONFLICT ${conflict} DO UPDATE SET ${count} = ${table}.${count} + EXCLUDED.${count}`;
};
const upserts = new Map((Object.keys(rollupTables) as RollupTable[]).map((table) => [table, upsertSql(table)]));

interface StateRow {
  referral_id: string;
  person_ref: string;
  network_ids: string[];
  structure_id: string;
  role: string;
  thematique: string;
  sender_network_id: string;
  status: string;
  requested_at: Date;
  acknowledge_due_at: Date;
  first_contact_due_at: Date;
  redirect_of: string | null;
  redirected_on: string | null;
}
const stateColumns = `referral_id, person_ref, network_ids, structure_id, role, thematique, sender_network_id, status, requested_at,
  acknowledge_due_at, first_contact_due_at, redirect_of, to_char(redirected_on, 'YYYY-MM-DD') AS redirected_on`;
const fromStateRow = (row: StateRow): ReferralState => ({
  referralId: row.referral_id,
  personRef: row.person_ref,
  networkIds: row.network_ids,
  structureId: row.structure_id,
  role: row.role,
  thematique: row.thematique,
  senderNetworkId: row.sender_network_id,
  status: row.status,
  requestedAt: row.requested_at.getTime(),
  acknowledgeDueAt: row.acknowledge_due_at.getTime(),
  firstContactDueAt: row.first_contact_due_at.getTime(),
  redirectOf: row.redirect_of,
  redirectedOn: row.redirected_on,
});
const toStateRow = (state: ReferralState): Record<string, unknown> => ({
  referral_id: state.referralId,
  person_ref: state.personRef,
  network_ids: state.networkIds,
  structure_id: state.structureId,
  role: state.role,
  thematique: state.thematique,
  sender_network_id: state.senderNetworkId,
  status: state.status,
  requested_at: new Date(state.requestedAt).toISOString(),
  acknowledge_due_at: new Date(state.acknowledgeDueAt).toISOString(),
  first_contact_due_at: new Date(state.firstContactDueAt).toISOString(),
  redirect_of: state.redirectOf,
  redirected_on: state.redirectedOn,
});

/**
 * The one writer of the projections (ADR 0007, "One definition"): for a run of events — one live event, or a
 * replayed batch of thousands — it reads every row they can need at once (state rows of their referrals and
 * persons, their pending steps, the directory's services and structures: one `= ANY($1)` query each), runs the
 * rules in memory in the events' order, then writes what changed with one statement per table (state rows
 * deleted then inserted, rollup counts upserted through `unnest` with `n = n + excluded.n`), in the caller's
 * transaction.
 */
@Injectable()
export class Rollups {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** A live handler's event: its turn taken (false: the last rebuild applied it already), then a run of one. */
  async applyLive(rules: ProjectionRules, payload: unknown, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    await this.apply([asProjectionEvent(context.type, payload, context.time)], () => [rules]);
  }

  /**
   * Events through the rules of their types (`rulesOf` by default: every projection), read and written as sets.
   * `keepDeltas`: the rollup deltas are left in the returned state for the caller to write later (the rebuild sums
   * many batches' deltas before writing them: ProjectionRebuild); the state rows are written in any case.
   */
  async apply(events: ProjectionEvent[], rulesFor: (type: EventType) => ProjectionRules[] = rulesOf, keepDeltas = false): Promise<ProjectionState> {
    const state = await this.load(events.filter((event) => rulesFor(event.type).includes(referralRules as ProjectionRules)));
    for (const event of events) for (const rules of rulesFor(event.type)) rules.apply(state, event);
    await this.writeStates(state);
    if (!keepDeltas) await this.writeDeltas(state.deltas);
    return state;
  }

  private async load(events: ProjectionEvent[]): Promise<ProjectionState> {
    if (events.length === 0) return new ProjectionState();
    const referralIds = new Set<string>();
    const persons = new Set<string>();
    const serviceIds = new Set<string>();
    const structureIds = new Set<string>();
    for (const event of events) referralKeys(event, referralIds, persons, serviceIds, structureIds);
    const tx = this.txHost.tx;
    const states = (
      await tx.query<StateRow[]>(`SELECT ${stateColumns} FROM referral_state WHERE referral_id = ANY($1::uuid[]) OR person_ref = ANY($2::text[])`, [[...referralIds], [...persons]])
    ).map(fromStateRow);
    // A received event reads the referral it was redirected from: loaded too when no event of the run names it.
    const loaded = new Set(states.map((state) => state.referralId));
    const originals = [...new Set(states.flatMap((state) => (state.redirectOf !== null && !loaded.has(state.redirectOf) ? [state.redirectOf] : [])))];
    if (originals.length > 0) states.push(...(await tx.query<StateRow[]>(`SELECT ${stateColumns} FROM referral_state WHERE referral_id = ANY($1::uuid[])`, [originals])).map(fromStateRow));
    const pending = await tx.query<Array<{ referral_id: string; kind: PendingStep['kind']; person_ref: string; day: string; network_ids: string[]; structure_id: string; role: string }>>(
      `SELECT referral_id, kind, person_ref, to_char(day, 'YYYY-MM-DD') AS day, network_ids, structure_id, role FROM journey_pending
        WHERE referral_id = ANY($1::uuid[]) OR person_ref = ANY($2::text[])`,
      [[...referralIds], [...persons]],
    );
    const services = new Map<string, ServiceFacts>();
    if (serviceIds.size > 0) {
      const rows = await tx.query<Array<{ service_id: string; network_ids: string[]; roles: string[] }>>(
        `SELECT service_id, network_ids, roles FROM directory_services WHERE service_id = ANY($1::uuid[])`,
        [[...serviceIds]],
      );
      for (const row of rows) services.set(row.service_id, { networkIds: row.network_ids, roles: row.roles });
    }
    const structures = new Map<string, StructureFacts>();
    if (structureIds.size > 0) {
      const rows = await tx.query<Array<{ structure_id: string; network_ids: string[]; commune_code: string | null }>>(
        `SELECT structure_id, network_ids, commune_code FROM directory_structures WHERE structure_id = ANY($1::uuid[])`,
        [[...structureIds]],
      );
      for (const row of rows) structures.set(row.structure_id, { networkIds: row.network_ids, communeCode: row.commune_code });
    }
    const rows: LoadedRows = {
      states,
      pending: pending.map((row) => ({ referralId: row.referral_id, kind: row.kind, personRef: row.person_ref, day: row.day, networkIds: row.network_ids, structureId: row.structure_id, role: row.role })),
      services,
      structures,
    };
    return new ProjectionState(rows);
  }

  private async writeStates(state: ProjectionState): Promise<void> {
    const tx = this.txHost.tx;
    if (state.touchedStates.size > 0) {
      await tx.query(`DELETE FROM referral_state WHERE referral_id = ANY($1::uuid[])`, [[...state.touchedStates]]);
      const rows = state.changedStates().map(toStateRow);
      if (rows.length > 0) await tx.query(`INSERT INTO referral_state SELECT * FROM json_populate_recordset(null::referral_state, $1::json)`, [JSON.stringify(rows)]);
    }
    if (state.touchedPending.size > 0) {
      const keys = state.touchedPendingKeys();
      await tx.query(`DELETE FROM journey_pending WHERE (referral_id, kind) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`, [keys.map((key) => key.referralId), keys.map((key) => key.kind)]);
      const rows = state.changedPending().map((step) => ({
        referral_id: step.referralId,
        kind: step.kind,
        person_ref: step.personRef,
        day: step.day,
        network_ids: step.networkIds,
        structure_id: step.structureId,
        role: step.role,
      }));
      if (rows.length > 0) await tx.query(`INSERT INTO journey_pending SELECT * FROM json_populate_recordset(null::journey_pending, $1::json)`, [JSON.stringify(rows)]);
    }
  }

  /** One upsert per table, the tables in a fixed order, in the current transaction. */
  async writeDeltas(deltas: RollupDeltas): Promise<void> {
    for (const table of Object.keys(rollupTables) as RollupTable[]) {
      const rows = deltas.rows(table);
      if (rows.length === 0) continue;
      const width = rollupTables[table].length;
      const columns = Array.from({ length: width }, (_, i) => rows.map((row) => row.key[i] ?? null));
      await this.txHost.tx.query(upserts.get(table) ?? '', [...columns, rows.map((row) => row.n)]);
    }
  }
}
