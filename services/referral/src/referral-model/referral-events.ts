import { hasRole, type Principal } from '@relais/auth';
import type { EventPayload, EventType, ReferralStatus } from '@relais/contracts';
import type { Party } from './referral-lifecycle';
import type { ReferralEntity } from './referral.entity';

/** The catalog event announcing a move (`in-progress` is a start after acceptance, a resumption after a hold). */
export type TransitionEventType = Extract<
  EventType,
  | 'fr.relais.referral.referral.received.v1'
  | 'fr.relais.referral.referral.accepted.v1'
  | 'fr.relais.referral.referral.rejected.v1'
  | 'fr.relais.referral.referral.redirected.v1'
  | 'fr.relais.referral.referral.started.v1'
  | 'fr.relais.referral.referral.put-on-hold.v1'
  | 'fr.relais.referral.referral.resumed.v1'
  | 'fr.relais.referral.referral.completed.v1'
  | 'fr.relais.referral.referral.failed.v1'
  | 'fr.relais.referral.referral.cancelled.v1'
  | 'fr.relais.referral.referral.expired.v1'
>;

export function transitionEventType(from: ReferralStatus, to: ReferralStatus): TransitionEventType | null {
  switch (to) {
    case 'received':
      return 'fr.relais.referral.referral.received.v1';
    case 'accepted':
      return 'fr.relais.referral.referral.accepted.v1';
    case 'rejected':
      return 'fr.relais.referral.referral.rejected.v1';
    case 'redirected':
      return 'fr.relais.referral.referral.redirected.v1';
    case 'in-progress':
      return from === 'on-hold' ? 'fr.relais.referral.referral.resumed.v1' : 'fr.relais.referral.referral.started.v1';
    case 'on-hold':
      return 'fr.relais.referral.referral.put-on-hold.v1';
    case 'completed':
      return 'fr.relais.referral.referral.completed.v1';
    case 'failed':
      return 'fr.relais.referral.referral.failed.v1';
    case 'cancelled':
      return 'fr.relais.referral.referral.cancelled.v1';
    case 'expired':
      return 'fr.relais.referral.referral.expired.v1';
    case 'draft':
    case 'requested':
      // A referral enters `requested` by being created: that is the `requested` event, with its own payload.
      return null;
  }
}

/** The pseudonymous parties every referral event carries, and nothing else about the person. */
export function eventParties(referral: ReferralEntity) {
  return {
    referralId: referral.id,
    personRef: referral.personRef,
    sendingStructureId: referral.sendingStructureId,
    receivingStructureId: referral.receivingStructureId,
    receivingServiceId: referral.receivingServiceId,
    networkId: referral.networkId,
  };
}

export type Actor = EventPayload<'fr.relais.referral.referral.received.v1'>['by'];

/** How the caller appears in events and history: never a name, only a role, a structure and an account id. */
export function actorRole(principal: Principal, party: Party): Actor['role'] {
  if (party === 'coordinator') return 'coordinator';
  if (party === 'system') return 'system';
  if (hasRole(principal, 'integration') && principal.clientId) return 'integration';
  if (hasRole(principal, 'agent')) return 'agent';
  return hasRole(principal, 'admin') ? 'admin' : 'agent';
}
