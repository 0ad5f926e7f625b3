import type { ReferralStatus } from '@relais/contracts';

/**
 * The referral state machine, aligned with FHIR `Task` as used in closed-loop referral, in one table:
 * for each status, the statuses it may move to and which party may make that move.
 *
 * - `sender`: the structure that sent the referral (its agents and its integration).
 * - `receiver`: the structure that runs the receiving service.
 * - `coordinator`: a coordinator of the referral's réseau local; may only reassign (redirect) a referral
 *   nobody has started working on, to another service of the same network.
 * - `system`: the platform itself (SLA sweeps).
 *
 * `accepted → failed` and `on-hold → failed` go beyond the sketch on purpose: "absent au rendez-vous"
 * happens before the first contact (which is what `in-progress` means), and a person on hold may abandon.
 * This file is pure: no I/O, so every cell of the table is unit-tested.
 */
export type Party = 'sender' | 'receiver' | 'coordinator' | 'system';

type Moves = Partial<Record<ReferralStatus, readonly Party[]>>;

export const referralLifecycle = {
  draft: { requested: ['sender'], cancelled: ['sender'] },
  requested: { received: ['receiver'], redirected: ['coordinator'], cancelled: ['sender'], expired: ['system'] },
  received: { accepted: ['receiver'], rejected: ['receiver'], redirected: ['receiver', 'coordinator'], cancelled: ['sender'] },
  accepted: { 'in-progress': ['receiver'], failed: ['receiver'], cancelled: ['sender'] },
  'in-progress': { 'on-hold': ['receiver'], completed: ['receiver'], failed: ['receiver'], cancelled: ['sender'] },
  'on-hold': { 'in-progress': ['receiver'], failed: ['receiver'], cancelled: ['sender'] },
  rejected: {},
  redirected: {},
  completed: {},
  failed: {},
  cancelled: {},
  expired: {},
} as const satisfies Record<ReferralStatus, Moves>;

const table: Record<ReferralStatus, Moves> = referralLifecycle;

/** Statuses from which nothing moves any more: the referral's story is over. */
export function isEndState(status: ReferralStatus): boolean {
  return Object.keys(table[status]).length === 0;
}

/** Every status reachable from `from` in one move, whoever makes it. */
export function nextStatuses(from: ReferralStatus): ReferralStatus[] {
  return Object.keys(table[from]) as ReferralStatus[];
}

/** The statuses these parties may move the referral to from `from`. */
export function nextStatusesFor(from: ReferralStatus, parties: readonly Party[]): ReferralStatus[] {
  return nextStatuses(from).filter((to) => (table[from][to] ?? []).some((party) => parties.includes(party)));
}

/** Who may move a referral from `from` to `to` (empty when the move does not exist). */
export function whoMayMove(from: ReferralStatus, to: ReferralStatus): readonly Party[] {
  return table[from][to] ?? [];
}

export type TransitionCheck =
  | { allowed: true; by: Party }
  | { allowed: false; reason: 'no-such-move' | 'not-this-party'; allowedForCaller: ReferralStatus[]; allowedFromStatus: ReferralStatus[] };

/**
 * Decides one move. `no-such-move`: the table has no arrow from `from` to `to` (409).
 * `not-this-party`: the arrow exists but belongs to another party (403). `by` names the party under
 * which the move is recorded when the caller is several at once (a structure referring to itself).
 */
export function checkTransition(from: ReferralStatus, to: ReferralStatus, parties: readonly Party[]): TransitionCheck {
  const allowedForCaller = nextStatusesFor(from, parties);
  const allowedFromStatus = nextStatuses(from);
  const movers = whoMayMove(from, to);
  if (movers.length === 0) return { allowed: false, reason: 'no-such-move', allowedForCaller, allowedFromStatus };
  const by = movers.find((party) => parties.includes(party));
  if (!by) return { allowed: false, reason: 'not-this-party', allowedForCaller, allowedFromStatus };
  return { allowed: true, by };
}
