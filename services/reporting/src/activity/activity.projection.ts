import { Injectable } from '@nestjs/common';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { activityRules } from '../projections/activity.rules';
import { Rollups } from '../projections/rollups';

/**
 * The live consumer's side of the activity rules (projections/activity.rules.ts): every event of the platform per
 * day, type and local network. The inbox applies each event once, so a redelivery never counts twice.
 */
@Injectable()
export class ActivityProjection {
  constructor(private readonly rollups: Rollups) {}

  @HandlesEvent(...activityRules.types)
  async count(payload: unknown, context: EventContext): Promise<void> {
    await this.rollups.applyLive(activityRules, payload, context);
  }
}
