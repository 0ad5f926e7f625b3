import { Injectable } from '@nestjs/common';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { referralRules } from './referral.rules';
import { Rollups } from './rollups';

/** The live consumer's side of the referral rules (referral.rules.ts): each event a run of one through the writer. */
@Injectable()
export class ReferralProjection {
  constructor(private readonly rollups: Rollups) {}

  @HandlesEvent(...referralRules.types)
  async apply(payload: unknown, context: EventContext): Promise<void> {
    await this.rollups.applyLive(referralRules, payload, context);
  }
}
