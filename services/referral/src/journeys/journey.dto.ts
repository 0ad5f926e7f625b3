import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { referralStatuses, type ReferralStatus } from '@relais/contracts';
import { breakKinds, type BreakKind } from './journey-builder';

const visibility = {
  enum: ['full', 'limited'],
  description: 'full : tout ce que votre accès permet ; limited : seulement l’existence de l’étape, son statut et ses dates (la personne n’a pas consenti à la partager le long de son parcours)',
} as const;

export class JourneyAssessmentView {
  @ApiProperty({ format: 'uuid' }) assessmentId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null quand l’étape est limitée' }) level!: string | null;
  @ApiProperty({ type: [String] }) barriers!: string[];
  @ApiProperty({ type: [String] }) recommendedRoles!: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) networkId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) structureId!: string | null;
  @ApiProperty({ format: 'date-time' }) completedAt!: string;
  @ApiProperty(visibility) visibility!: 'full' | 'limited';
}

export class StatusStayView {
  @ApiProperty({ enum: referralStatuses }) status!: ReferralStatus;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) to!: string | null;
  @ApiProperty({ description: 'Temps passé dans ce statut (jusqu’à maintenant pour le statut actuel)' }) durationMs!: number;
}

export class JourneyReferralView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) previousReferralId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) nextReferralId!: string | null;
  @ApiProperty({ enum: referralStatuses }) status!: ReferralStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) sendingStructureId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) receivingServiceId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) receivingStructureId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) networkId!: string | null;
  @ApiProperty({ type: [String] }) needs!: string[];
  @ApiProperty({ type: String, nullable: true }) urgency!: string | null;
  @ApiProperty(visibility) visibility!: 'full' | 'limited';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: 'object', properties: { autonomyGained: { type: 'string', nullable: true }, nextStep: { type: 'string', nullable: true } } })
  outcome!: { autonomyGained: string | null; nextStep: string | null } | null;
  @ApiProperty({ type: [StatusStayView] }) timeInStatus!: StatusStayView[];
}

export class JourneyStepView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['assessment', 'transition'] }) kind!: 'assessment' | 'transition';
  @ApiPropertyOptional({ format: 'uuid' }) assessmentId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) referralId?: string;
  @ApiPropertyOptional({ enum: referralStatuses }) from?: ReferralStatus;
  @ApiPropertyOptional({ enum: referralStatuses }) to?: ReferralStatus;
  @ApiPropertyOptional({ type: String, nullable: true }) reasonCode?: string | null;
  @ApiPropertyOptional({ type: 'object', properties: { party: { type: 'string' }, role: { type: 'string' }, structureId: { type: 'string', nullable: true } } })
  by?: { party: string; role: string; structureId: string | null };
}

export class ContinuityBreakView {
  @ApiProperty({ enum: breakKinds }) kind!: BreakKind;
  @ApiProperty({ format: 'uuid' }) referralId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() detail!: string;
}

export class JourneyView {
  @ApiProperty() personReference!: string;
  @ApiProperty({ type: [JourneyAssessmentView] }) assessments!: JourneyAssessmentView[];
  @ApiProperty({ type: [JourneyReferralView] }) referrals!: JourneyReferralView[];
  @ApiProperty({ type: [JourneyStepView], description: 'Diagnostics et transitions, dans l’ordre du temps' }) steps!: JourneyStepView[];
  @ApiProperty({ type: [ContinuityBreakView], description: 'Ruptures de continuité de l’accompagnement' }) breaks!: ContinuityBreakView[];
}
