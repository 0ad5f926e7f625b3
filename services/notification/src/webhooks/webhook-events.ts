import type { EventType } from '@relais/contracts';

/** The referral events a structure's software can subscribe to: those about referrals it sent or received. */
export const webhookEventTypes = [
  'fr.relais.referral.referral.requested.v1',
  'fr.relais.referral.referral.received.v1',
  'fr.relais.referral.referral.accepted.v1',
  'fr.relais.referral.referral.rejected.v1',
  'fr.relais.referral.referral.redirected.v1',
  'fr.relais.referral.referral.started.v1',
  'fr.relais.referral.referral.put-on-hold.v1',
  'fr.relais.referral.referral.resumed.v1',
  'fr.relais.referral.referral.completed.v1',
  'fr.relais.referral.referral.failed.v1',
  'fr.relais.referral.referral.cancelled.v1',
  'fr.relais.referral.referral.expired.v1',
  'fr.relais.referral.referral.reminder-due.v1',
  'fr.relais.referral.referral.consent-revoked.v1',
] as const satisfies readonly [EventType, ...EventType[]];
