import { Injectable } from '@nestjs/common';
import { eventTypes } from '@relais/contracts';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { takeRollupTurn } from '../projections/rollups';

/**
 * Counts every event of the platform per day (Paris time), type and local network. The inbox applies
 * each event once, so a redelivery never counts twice.
 */
@Injectable()
export class ActivityProjection {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent(...eventTypes)
  async count(payload: object, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
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
