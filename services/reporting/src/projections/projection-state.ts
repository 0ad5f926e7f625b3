import { RollupDeltas } from './rollup-deltas';

/** What a referral's later events need while it is open (table `referral_state`); instants in epoch milliseconds. */
export interface ReferralState {
  referralId: string;
  personRef: string;
  networkIds: string[];
  structureId: string;
  role: string;
  thematique: string;
  senderNetworkId: string;
  status: string;
  requestedAt: number;
  acknowledgeDueAt: number;
  firstContactDueAt: number;
  redirectOf: string | null;
  /** YYYY-MM-DD, once redirected. */
  redirectedOn: string | null;
}

/** A completion with a next step, or a rejection, waiting for the person's next referral (table `journey_pending`). */
export interface PendingStep {
  referralId: string;
  kind: 'next-step' | 'rejected';
  personRef: string;
  /** YYYY-MM-DD: the step's day, where its follow-up is counted. */
  day: string;
  networkIds: string[];
  structureId: string;
  role: string;
}

/** The reporting's copy of the directory, as much of it as the rules read. */
export interface ServiceFacts {
  networkIds: string[];
  roles: string[];
}
export interface StructureFacts {
  networkIds: string[];
  communeCode: string | null;
}

/** What the writer read from the database for a run of events: every row those events can read or change. */
export interface LoadedRows {
  states: ReferralState[];
  pending: PendingStep[];
  services: Map<string, ServiceFacts>;
  structures: Map<string, StructureFacts>;
}

const pendingKey = (referralId: string, kind: string): string => `${referralId}\u0000${kind}`;

/**
 * The working set of a run of events (one live event, or a replayed batch of thousands): the state rows they can
 * read, loaded at once, changed in memory as the rules apply the events one after the other in their order, and
 * the rollup deltas they add. The writer then writes what changed, one statement per table. The rules see exactly
 * what they would see reading the tables event by event, because every row they may read was loaded first.
 */
export class ProjectionState {
  readonly deltas = new RollupDeltas();
  private readonly states = new Map<string, ReferralState>();
  private readonly byPerson = new Map<string, Set<string>>();
  private readonly pending = new Map<string, PendingStep>();
  private readonly pendingByPerson = new Map<string, Set<string>>();
  /** Keys whose row changed or went: the writer deletes them all, then inserts those still here. */
  readonly touchedStates = new Set<string>();
  readonly touchedPending = new Set<string>();

  constructor(private readonly loaded: LoadedRows = { states: [], pending: [], services: new Map(), structures: new Map() }) {
    for (const state of loaded.states) this.index(state);
    for (const step of loaded.pending) this.indexPending(step);
  }

  service(serviceId: string): ServiceFacts | undefined {
    return this.loaded.services.get(serviceId);
  }

  structure(structureId: string): StructureFacts | undefined {
    return this.loaded.structures.get(structureId);
  }

  state(referralId: string | null): ReferralState | undefined {
    return referralId === null ? undefined : this.states.get(referralId);
  }

  statesOfPerson(personRef: string): ReferralState[] {
    return [...(this.byPerson.get(personRef) ?? [])].flatMap((id) => this.states.get(id) ?? []);
  }

  /** Inserts the row unless the referral has one (`ON CONFLICT DO NOTHING`); whether it did. */
  insertState(state: ReferralState): boolean {
    if (this.states.has(state.referralId)) return false;
    this.index(state);
    this.touchedStates.add(state.referralId);
    return true;
  }

  updateState(referralId: string, change: Partial<Pick<ReferralState, 'status' | 'redirectedOn'>>): void {
    const state = this.states.get(referralId);
    if (!state) return;
    this.states.set(referralId, { ...state, ...change });
    this.touchedStates.add(referralId);
  }

  deleteState(referralId: string): void {
    const state = this.states.get(referralId);
    if (!state) return;
    this.states.delete(referralId);
    this.byPerson.get(state.personRef)?.delete(referralId);
    this.touchedStates.add(referralId);
  }

  /** The rows still present among those that changed (to insert after deleting every touched key). */
  changedStates(): ReferralState[] {
    return [...this.touchedStates].flatMap((id) => this.states.get(id) ?? []);
  }

  pendingOfPerson(personRef: string): PendingStep[] {
    return [...(this.pendingByPerson.get(personRef) ?? [])].flatMap((key) => this.pending.get(key) ?? []);
  }

  allPending(): PendingStep[] {
    return [...this.pending.values()];
  }

  /** `ON CONFLICT (referral_id, kind) DO NOTHING`. */
  insertPending(step: PendingStep): void {
    const key = pendingKey(step.referralId, step.kind);
    if (this.pending.has(key)) return;
    this.indexPending(step);
    this.touchedPending.add(key);
  }

  deletePending(step: Pick<PendingStep, 'referralId' | 'kind'>): void {
    const key = pendingKey(step.referralId, step.kind);
    const found = this.pending.get(key);
    if (!found) return;
    this.pending.delete(key);
    this.pendingByPerson.get(found.personRef)?.delete(key);
    this.touchedPending.add(key);
  }

  /** Keys of the pending steps that changed, as (referral, kind). */
  touchedPendingKeys(): Array<{ referralId: string; kind: string }> {
    return [...this.touchedPending].map((key) => {
      const [referralId = '', kind = ''] = key.split('\u0000');
      return { referralId, kind };
    });
  }

  changedPending(): PendingStep[] {
    return [...this.touchedPending].flatMap((key) => this.pending.get(key) ?? []);
  }

  private index(state: ReferralState): void {
    this.states.set(state.referralId, state);
    let ids = this.byPerson.get(state.personRef);
    if (!ids) {
      ids = new Set();
      this.byPerson.set(state.personRef, ids);
    }
    ids.add(state.referralId);
  }

  private indexPending(step: PendingStep): void {
    const key = pendingKey(step.referralId, step.kind);
    this.pending.set(key, step);
    let keys = this.pendingByPerson.get(step.personRef);
    if (!keys) {
      keys = new Set();
      this.pendingByPerson.set(step.personRef, keys);
    }
    keys.add(key);
  }
}
