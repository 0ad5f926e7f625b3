import type { EventPayload, EventType } from '@relais/contracts';
import { referralThematique } from '../directory-read-model/directory-snapshot.adapter';
import { delayBucket } from './delay-histogram';
import { dayOf, NO_NETWORK, type ReferralDimensions } from './dimensions';
import type { ProjectionEvent, ProjectionRules } from './projection-event';
import type { ProjectionState } from './projection-state';

type Requested = EventPayload<'fr.relais.referral.referral.requested.v1'>;
type Transition = EventPayload<'fr.relais.referral.referral.received.v1'>;

/** The funnel stage each transition event reaches; suspensions and resumptions reach none. */
const stageOfEvent = {
  'fr.relais.referral.referral.received.v1': 'received',
  'fr.relais.referral.referral.accepted.v1': 'accepted',
  'fr.relais.referral.referral.rejected.v1': 'rejected',
  'fr.relais.referral.referral.redirected.v1': 'redirected',
  'fr.relais.referral.referral.started.v1': 'in-progress',
  'fr.relais.referral.referral.put-on-hold.v1': null,
  'fr.relais.referral.referral.resumed.v1': null,
  'fr.relais.referral.referral.completed.v1': 'completed',
  'fr.relais.referral.referral.failed.v1': 'failed',
  'fr.relais.referral.referral.cancelled.v1': 'cancelled',
  'fr.relais.referral.referral.expired.v1': 'expired',
} as const satisfies Partial<Record<EventType, string | null>>;
type TransitionType = keyof typeof stageOfEvent;

/** Delays measured from the request, at the event that ends them; the SLA deadline each is held to, if any. */
const delayOfStage: Partial<Record<string, { measure: string; deadline: 'acknowledge' | 'first-contact' | null }>> = {
  received: { measure: 'acknowledgement', deadline: 'acknowledge' },
  accepted: { measure: 'acceptance', deadline: null },
  'in-progress': { measure: 'first-contact', deadline: 'first-contact' },
  completed: { measure: 'completion', deadline: null },
};

const endStatuses = new Set(['rejected', 'redirected', 'completed', 'failed', 'cancelled', 'expired']);

const referralTypes = [
  'fr.relais.referral.referral.requested.v1',
  ...(Object.keys(stageOfEvent) as TransitionType[]),
  'fr.relais.referral.person.erased.v1',
  'fr.relais.referral.referral.person-erased.v1',
] as const satisfies readonly EventType[];
type ReferralType = (typeof referralTypes)[number];

/**
 * Funnel, delays and continuity from the referral's events. Figures go to the receiving service's networks (the
 * directory's copy; the event's network when the service is unknown), the sender's network is kept as a filter.
 * One state row per referral while it is open carries what its later events need; it goes at the end state, or
 * with the person (erasure), leaving only counts.
 */
export const referralRules: ProjectionRules<ReferralType> = {
  types: referralTypes,
  apply(state, event) {
    const { type } = event;
    if (type === 'fr.relais.referral.referral.requested.v1') return requested(state, event.payload as Requested);
    if (type === 'fr.relais.referral.person.erased.v1') return personErased(state, (event.payload as EventPayload<typeof type>).personRef, null);
    if (type === 'fr.relais.referral.referral.person-erased.v1') {
      const payload = event.payload as EventPayload<typeof type>;
      return personErased(state, payload.personRef, payload.referralId);
    }
    transition(state, type, event.payload as Transition);
  },
};

/** The referral ids and persons an event of these rules can read: the writer loads their rows first. */
export function referralKeys(event: ProjectionEvent, referralIds: Set<string>, persons: Set<string>, services: Set<string>, structures: Set<string>): void {
  const payload = event.payload as Partial<Requested & Transition>;
  for (const id of [payload.referralId, payload.previousReferralId, payload.redirectedToReferralId]) if (typeof id === 'string') referralIds.add(id);
  if (typeof payload.personRef === 'string') persons.add(payload.personRef);
  if (typeof payload.receivingServiceId === 'string') services.add(payload.receivingServiceId);
  if (typeof payload.sendingStructureId === 'string') structures.add(payload.sendingStructureId);
}

function requested(state: ProjectionState, payload: Requested): void {
  const day = dayOf(payload.at);
  const dims = dimensionsOf(state, payload);
  const sender = state.structure(payload.sendingStructureId);
  const senderNetworkId = sender?.networkIds.find((id) => dims.networkIds.includes(id)) ?? sender?.networkIds[0] ?? NO_NETWORK;
  const thematique = referralThematique(payload.needs);
  const inserted = state.insertState({
    referralId: payload.referralId,
    personRef: payload.personRef,
    networkIds: dims.networkIds,
    structureId: dims.structureId,
    role: dims.role,
    thematique,
    senderNetworkId,
    status: 'requested',
    requestedAt: Date.parse(payload.at),
    acknowledgeDueAt: Date.parse(payload.acknowledgeDueAt),
    firstContactDueAt: Date.parse(payload.firstContactDueAt),
    redirectOf: payload.previousReferralId,
    redirectedOn: null,
  });
  // The same referral published twice under two event ids (a replayed outbox) counts once.
  if (!inserted) return;
  state.deltas.stage(day, dims, 'requested', thematique, senderNetworkId);
  state.deltas.commune(day, dims.networkIds, sender?.communeCode ?? 'inconnue', 'orientations');
  // A new referral for the person follows up every step that waited for one, counted on that step's day.
  for (const step of state.pendingOfPerson(payload.personRef)) {
    if (step.day > day) continue;
    state.deletePending(step);
    state.deltas.journey(step.day, { networkIds: step.networkIds, structureId: step.structureId, role: step.role }, `${step.kind}-followed`);
  }
}

function transition(state: ProjectionState, type: TransitionType, payload: Transition): void {
  const stage = stageOfEvent[type];
  const day = dayOf(payload.at);
  const row = state.state(payload.referralId);
  // Without a state row (the person was erased, or the request predates this projection) the event still counts.
  const dims: ReferralDimensions = row ? { networkIds: row.networkIds, structureId: row.structureId, role: row.role } : dimensionsOf(state, payload);
  const thematique = row?.thematique ?? 'non-precisee';
  const senderNetworkId = row?.senderNetworkId ?? NO_NETWORK;
  if (stage !== null) state.deltas.stage(day, dims, stage, thematique, senderNetworkId);

  const delay = stage === null ? undefined : delayOfStage[stage];
  if (row && delay) {
    const at = Date.parse(payload.at);
    const deadline = delay.deadline === 'acknowledge' ? row.acknowledgeDueAt : delay.deadline === 'first-contact' ? row.firstContactDueAt : null;
    state.deltas.delay(day, dims, delay.measure, deadline !== null && at <= deadline, delayBucket(at - row.requestedAt));
  }
  if (endStatuses.has(payload.to)) state.deltas.journey(day, dims, 'exit', payload.from);

  switch (stage) {
    case 'expired':
    case 'failed':
      state.deltas.journey(day, dims, 'break', stage);
      break;
    case 'rejected':
      state.deltas.journey(day, dims, 'rejection-reason', payload.reasonCode ?? 'non-precise');
      state.deltas.journey(day, dims, 'rejected');
      pending(state, payload, 'rejected', day, dims);
      break;
    case 'redirected':
      state.deltas.journey(day, dims, 'redirect');
      break;
    case 'completed':
      state.deltas.journey(day, dims, 'autonomy', payload.outcome?.autonomyGained ?? 'non-renseigne');
      if (payload.outcome?.nextStep) {
        state.deltas.journey(day, dims, 'next-step-proposed');
        pending(state, payload, 'next-step', day, dims);
      }
      break;
    case 'received':
      if (row?.redirectOf) redirectPickedUp(state, row.redirectOf);
      break;
    case 'accepted':
    case 'in-progress':
    case 'cancelled':
    case null:
      break;
  }
  if (!row) return;
  if (endStatuses.has(payload.to) && row.redirectOf && state.state(row.redirectOf)?.status === 'redirected') {
    // The new referral ended without being acknowledged: the redirect was not picked up, and stays counted as such.
    state.deleteState(row.redirectOf);
  }
  if (payload.to === 'redirected' && acknowledged(state, payload.redirectedToReferralId)) {
    // The new referral was acknowledged before this event arrived (events of two referrals come in any order).
    state.deltas.journey(day, dims, 'redirect-picked-up');
    state.deleteState(payload.referralId);
  } else if (payload.to === 'redirected') {
    state.updateState(payload.referralId, { status: 'redirected', redirectedOn: day });
  } else if (endStatuses.has(payload.to)) {
    state.deleteState(payload.referralId);
  } else {
    state.updateState(payload.referralId, { status: payload.to });
  }
}

/** The person's counts stay; nothing left here can lead back to them or to their referrals. */
function personErased(state: ProjectionState, personRef: string, referralId: string | null): void {
  for (const row of state.statesOfPerson(personRef)) state.deleteState(row.referralId);
  for (const step of state.pendingOfPerson(personRef)) state.deletePending(step);
  if (referralId === null) return;
  state.deleteState(referralId);
  for (const step of state.allPending()) if (step.referralId === referralId) state.deletePending(step);
}

function dimensionsOf(state: ProjectionState, payload: { receivingServiceId: string; receivingStructureId: string; networkId: string | null }): ReferralDimensions {
  const service = state.service(payload.receivingServiceId);
  const networkIds = service && service.networkIds.length > 0 ? service.networkIds : payload.networkId ? [payload.networkId] : [];
  return { networkIds, structureId: payload.receivingStructureId, role: service?.roles[0] ?? 'inconnu' };
}

/** A step that waits for the person's next referral: a completion with a next step, a rejection. */
function pending(state: ProjectionState, payload: Transition, kind: 'next-step' | 'rejected', day: string, dims: ReferralDimensions): void {
  // The person's next referral may have been applied first (events of two referrals come in any order).
  const at = Date.parse(payload.at);
  if (state.statesOfPerson(payload.personRef).some((row) => row.referralId !== payload.referralId && row.requestedAt >= at)) {
    state.deltas.journey(day, dims, `${kind}-followed`);
    return;
  }
  state.insertPending({ referralId: payload.referralId, kind, personRef: payload.personRef, day, ...dims });
}

function acknowledged(state: ProjectionState, referralId: string | null): boolean {
  const row = state.state(referralId);
  return row !== undefined && row.status !== 'requested';
}

function redirectPickedUp(state: ProjectionState, originalReferralId: string): void {
  const original = state.state(originalReferralId);
  // Its redirect event not applied yet: that event will find this referral acknowledged and count it.
  if (!original || original.status !== 'redirected' || original.redirectedOn === null) return;
  state.deleteState(originalReferralId);
  state.deltas.journey(original.redirectedOn, { networkIds: original.networkIds, structureId: original.structureId, role: original.role }, 'redirect-picked-up');
}
