import { Injectable } from '@nestjs/common';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';

/**
 * Counts every event of the platform per day (Paris time), type and local network. The inbox applies
 * each event once, so a redelivery never counts twice.
 */
@Injectable()
export class ActivityProjection {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent('fr.relais.directory.structure.snapshot.v1')
  @HandlesEvent('fr.relais.directory.service.snapshot.v1')
  @HandlesEvent('fr.relais.directory.network.snapshot.v1')
  @HandlesEvent('fr.relais.diagnostic.assessment.completed.v1')
  @HandlesEvent('fr.relais.referral.referral.requested.v1')
  @HandlesEvent('fr.relais.referral.referral.received.v1')
  @HandlesEvent('fr.relais.referral.referral.accepted.v1')
  @HandlesEvent('fr.relais.referral.referral.rejected.v1')
  @HandlesEvent('fr.relais.referral.referral.redirected.v1')
  @HandlesEvent('fr.relais.referral.referral.started.v1')
  @HandlesEvent('fr.relais.referral.referral.put-on-hold.v1')
  @HandlesEvent('fr.relais.referral.referral.resumed.v1')
  @HandlesEvent('fr.relais.referral.referral.completed.v1')
  @HandlesEvent('fr.relais.referral.referral.failed.v1')
  @HandlesEvent('fr.relais.referral.referral.cancelled.v1')
  @HandlesEvent('fr.relais.referral.referral.expired.v1')
  @HandlesEvent('fr.relais.referral.referral.reminder-due.v1')
  @HandlesEvent('fr.relais.referral.referral.consent-revoked.v1')
  @HandlesEvent('fr.relais.referral.referral.person-erased.v1')
  @HandlesEvent('fr.relais.notification.delivery.outcome.v1')
  async count(payload: object, context: EventContext): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO activity_daily (day, event_type, network_id, count)
       VALUES (($1::timestamptz AT TIME ZONE 'Europe/Paris')::date, $2, $3, 1)
       ON CONFLICT ON CONSTRAINT activity_daily_unique DO UPDATE SET count = activity_daily.count + 1`,
      [context.time.toISOString(), context.type, networkOf(payload)],
    );
  }
}

/** Referral and assessment events name their network; snapshots of a network are that network's. */
function networkOf(payload: object): string | null {
  if ('networkId' in payload && typeof payload.networkId === 'string') return payload.networkId;
  return null;
}
