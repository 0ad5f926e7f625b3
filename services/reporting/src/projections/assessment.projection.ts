import { Injectable } from '@nestjs/common';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { assessmentRules } from './assessment.rules';
import { Rollups } from './rollups';

/** The live consumer's side of the assessment rules (assessment.rules.ts). */
@Injectable()
export class AssessmentProjection {
  constructor(private readonly rollups: Rollups) {}

  @HandlesEvent(...assessmentRules.types)
  async apply(payload: unknown, context: EventContext): Promise<void> {
    await this.rollups.applyLive(assessmentRules, payload, context);
  }
}
