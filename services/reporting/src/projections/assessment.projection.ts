import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { dayOf, NO_NETWORK, Rollups, takeRollupTurn } from './rollups';

/** Levels and barriers of the diagnostics, per network and the person's commune; demand per commune for coverage. */
@Injectable()
export class AssessmentProjection {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly rollups: Rollups,
  ) {}

  @HandlesEvent('fr.relais.diagnostic.assessment.completed.v1')
  async onCompleted(payload: EventPayload<'fr.relais.diagnostic.assessment.completed.v1'>, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    const day = dayOf(payload.completedAt);
    const networkId = payload.networkId ?? NO_NETWORK;
    await this.rollups.assessment(day, networkId, payload.communeCode, 'level', [payload.level]);
    await this.rollups.assessment(day, networkId, payload.communeCode, 'barrier', [...new Set(payload.barriers)]);
    await this.rollups.assessment(day, networkId, payload.communeCode, 'count', ['diagnostics']);
    await this.rollups.commune(day, [networkId], payload.communeCode, 'diagnostics');
  }
}
