import type { EventPayload, EventType } from '@relais/contracts';
import type { ProjectionEvent } from './projection-event';
import { ProjectionState, type LoadedRows, type PendingStep, type ReferralState } from './projection-state';
import { rollupTables, type RollupTable } from './rollup-deltas';
import { rulesOf } from './rollups';

const HOUR = 3_600_000;
const network = '11111111-1111-4111-8111-111111111111';
const senderStructure = '22222222-2222-4222-8222-222222222222';
const receiver = '33333333-3333-4333-8333-333333333333';
const service = '44444444-4444-4444-8444-444444444444';
const t0 = Date.parse('2026-11-02T09:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
let counter = 0;
const id = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

const directory = (): Pick<LoadedRows, 'services' | 'structures'> => ({
  services: new Map([[service, { networkIds: [network], roles: ['accompagnement'] }]]),
  structures: new Map([[senderStructure, { networkIds: [network], communeCode: '56260' }]]),
});

interface Parties {
  referralId: string;
  personRef: string;
}
const parties = (personRef = `p-${id()}`): Parties => ({ referralId: id(), personRef });
const common = (p: Parties) => ({ ...p, sendingStructureId: senderStructure, receivingStructureId: receiver, receivingServiceId: service, networkId: network });
const by = { role: 'agent' as const, structureId: receiver, subject: 'agent' };

function event<T extends EventType>(type: T, payload: EventPayload<T>, at: number): ProjectionEvent {
  return { type, payload, time: new Date(at) };
}
const requested = (p: Parties, at: number, previousReferralId: string | null = null): ProjectionEvent =>
  event(
    'fr.relais.referral.referral.requested.v1',
    {
      ...common(p),
      previousReferralId,
      needs: ['numerique--prendre-en-main-un-ordinateur'],
      urgency: 'normal',
      assessmentId: null,
      consent: { scope: ['contact'], method: 'oral', expiresAt: null },
      acknowledgeDueAt: iso(at + 24 * HOUR),
      firstContactDueAt: iso(at + 48 * HOUR),
      by,
      at: iso(at),
    },
    at,
  );
type Move = 'received' | 'accepted' | 'rejected' | 'redirected' | 'started' | 'completed' | 'expired';
const statusOf = { received: 'received', accepted: 'accepted', rejected: 'rejected', redirected: 'redirected', started: 'in-progress', completed: 'completed', expired: 'expired' } as const;
const move = (p: Parties, what: Move, from: string, at: number, extra: { nextStep?: boolean; redirectedTo?: string } = {}): ProjectionEvent =>
  event(
    `fr.relais.referral.referral.${what}.v1`,
    {
      ...common(p),
      from: from as 'requested',
      to: statusOf[what],
      reasonCode: what === 'rejected' ? 'plus-de-capacite' : null,
      outcome: what === 'completed' ? { summary: null, autonomyGained: 'partiel', nextStep: extra.nextStep ? 'Atelier CV' : null } : null,
      redirectedToReferralId: extra.redirectedTo ?? null,
      by,
      at: iso(at),
    },
    at,
  );
const erased = (p: Parties, at: number): ProjectionEvent => event('fr.relais.referral.person.erased.v1', { personRef: p.personRef, by, at: iso(at) }, at);

/** The projection tables as rows: what the writer leaves in the database after the events. */
interface Tables {
  states: Map<string, ReferralState>;
  pending: Map<string, PendingStep>;
  counts: Map<string, number>;
}
const emptyTables = (): Tables => ({ states: new Map(), pending: new Map(), counts: new Map() });

/** Runs events as one working set over `tables` and writes what changed back, as the writer does. */
function applyRun(tables: Tables, events: ProjectionEvent[]): void {
  const state = new ProjectionState({ states: [...tables.states.values()], pending: [...tables.pending.values()], ...directory() });
  for (const e of events) for (const rules of rulesOf(e.type)) rules.apply(state, e);
  for (const referralId of state.touchedStates) tables.states.delete(referralId);
  for (const row of state.changedStates()) tables.states.set(row.referralId, row);
  for (const key of state.touchedPendingKeys()) tables.pending.delete(`${key.referralId}/${key.kind}`);
  for (const step of state.changedPending()) tables.pending.set(`${step.referralId}/${step.kind}`, step);
  for (const table of Object.keys(rollupTables) as RollupTable[]) {
    for (const row of state.deltas.rows(table)) {
      const key = `${table}|${row.key.join('|')}`;
      tables.counts.set(key, (tables.counts.get(key) ?? 0) + row.n);
    }
  }
}
const count = (tables: Tables, table: RollupTable, ...key: Array<string | number | boolean>): number => tables.counts.get(`${table}|${key.join('|')}`) ?? 0;

/** Journeys of every shape the rules know, with the two referrals of a redirect and of a follow-up in both orders. */
function journeys(): ProjectionEvent[] {
  const events: ProjectionEvent[] = [];
  // Completed with a next step, then the person's next referral.
  const a = parties();
  events.push(requested(a, t0), move(a, 'received', 'requested', t0 + 2 * HOUR), move(a, 'accepted', 'received', t0 + 5 * HOUR));
  events.push(move(a, 'started', 'accepted', t0 + 30 * HOUR), move(a, 'completed', 'in-progress', t0 + 60 * HOUR, { nextStep: true }));
  events.push(requested(parties(a.personRef), t0 + 70 * HOUR));
  // Rejected, the next referral applied first (two partitions).
  const b = parties();
  const bNext = parties(b.personRef);
  events.push(requested(b, t0), move(b, 'received', 'requested', t0 + HOUR), requested(bNext, t0 + 30 * HOUR), move(b, 'rejected', 'received', t0 + 20 * HOUR));
  // Redirected then picked up; and picked up before the redirect event arrives.
  for (const pickedUpFirst of [false, true]) {
    const c = parties();
    const cNew = parties(c.personRef);
    const redirect = move(c, 'redirected', 'received', t0 + 10 * HOUR, { redirectedTo: cNew.referralId });
    events.push(requested(c, t0), move(c, 'received', 'requested', t0 + HOUR));
    if (!pickedUpFirst) events.push(redirect);
    events.push(requested(cNew, t0 + 10 * HOUR, c.referralId), move(cNew, 'received', 'requested', t0 + 12 * HOUR));
    if (pickedUpFirst) events.push(redirect);
  }
  // Expired; a request published twice under two ids; an erased person.
  const d = parties();
  events.push(requested(d, t0), requested(d, t0), move(d, 'expired', 'requested', t0 + 30 * HOUR));
  const e = parties();
  events.push(requested(e, t0), move(e, 'received', 'requested', t0 + HOUR), erased(e, t0 + 2 * HOUR), move(e, 'accepted', 'received', t0 + 3 * HOUR));
  return events;
}

describe('projection rules (events → working set and rollup deltas)', () => {
  it('counts the funnel, the delays and a followed next step of one journey', () => {
    const tables = emptyTables();
    const p = parties();
    applyRun(tables, [requested(p, t0), move(p, 'received', 'requested', t0 + 2 * HOUR), move(p, 'completed', 'received', t0 + 60 * HOUR, { nextStep: true })]);
    const day = '2026-11-02';
    expect(count(tables, 'network_stage_daily', day, network, 'requested')).toBe(1);
    expect(count(tables, 'network_stage_daily', day, network, 'received')).toBe(1);
    expect(count(tables, 'commune_monthly', '2026-11-01', network, '56260', 'orientations')).toBe(1);
    expect([...tables.counts.keys()].filter((key) => key.startsWith('network_delay_daily|2026-11-02|') && key.includes('|acknowledgement|true|'))).toHaveLength(1);
    expect(tables.states.size).toBe(0);
    expect([...tables.pending.values()].map((step) => step.kind)).toEqual(['next-step']);
    applyRun(tables, [requested(parties(p.personRef), t0 + 70 * HOUR)]);
    expect(tables.pending.size).toBe(0);
    expect(count(tables, 'network_journey_daily', '2026-11-04', network, 'next-step-followed', '')).toBe(1);
  });

  it('counts a redirect picked up once whichever of its two events comes first, a followed rejection, a request met twice once', () => {
    const pickups = emptyTables();
    applyRun(pickups, journeys());
    expect(count(pickups, 'network_journey_daily', '2026-11-02', network, 'redirect', '')).toBe(2);
    expect(count(pickups, 'network_journey_daily', '2026-11-02', network, 'redirect-picked-up', '')).toBe(2);
    expect(count(pickups, 'network_journey_daily', '2026-11-03', network, 'rejected-followed', '')).toBe(1);
    // Seven referrals requested on the first day, one of them twice under two ids: counted once.
    expect(count(pickups, 'network_stage_daily', '2026-11-02', network, 'requested')).toBe(8);
    expect(count(pickups, 'network_stage_daily', '2026-11-03', network, 'expired')).toBe(1);
    expect(count(pickups, 'network_journey_daily', '2026-11-03', network, 'break', 'expired')).toBe(1);
  });

  it('leaves the same rows whether the events come in one run (the rebuild) or one by one (the live consumer)', () => {
    const events = journeys();
    const oneByOne = emptyTables();
    for (const e of events) applyRun(oneByOne, [e]);
    for (const size of [events.length, 7, 3]) {
      const batched = emptyTables();
      for (let start = 0; start < events.length; start += size) applyRun(batched, events.slice(start, start + size));
      expect(batched).toEqual(oneByOne);
    }
    expect(oneByOne.counts.size).toBeGreaterThan(50);
    // What is left open: the rejected referral's next one, the first referral's follow-up, the accepted ones.
    expect([...oneByOne.states.values()].every((state) => state.status !== 'redirected')).toBe(true);
  });
});
