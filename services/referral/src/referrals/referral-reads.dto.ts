import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { referralStatuses, type ReferralStatus } from '@relais/contracts';
import { booleanFromQuery, listFromQuery } from '@relais/platform';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ConsentView } from '../consent/consent.view';
import { autonomyGains, contactPreferences, urgencies, type AutonomyGain, type ContactPreference, type Urgency } from '../referral-model/referral.entity';

// What `GET /v1/referrals` and `GET /v1/referrals/{id}` take and answer.

export const boxes = ['received', 'sent', 'network'] as const;
export type Box = (typeof boxes)[number];

export class ListReferralsQuery {
  @ApiPropertyOptional({ enum: boxes, description: 'received : la boîte de réception de la structure ; sent : son suivi des envois ; network : les orientations de ses réseaux (coordination). Par défaut received pour une structure, network sinon.' })
  @IsOptional()
  @IsIn(boxes)
  box?: Box;

  @ApiPropertyOptional({ description: 'Un ou plusieurs statuts séparés par des virgules', example: 'requested,received' })
  @IsOptional()
  @Transform(listFromQuery)
  @IsArray()
  @IsIn(referralStatuses, { each: true })
  status?: ReferralStatus[];

  @ApiPropertyOptional({ description: 'true : seulement les orientations en retard (accusé de réception ou premier contact au-delà du délai)' })
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Curseur opaque de la page suivante (nextCursor de la page précédente)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class PersonView {
  @ApiProperty() reference!: string;
  @ApiProperty({ enum: contactPreferences }) contactPreference!: ContactPreference;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Absent si le consentement ne le partage pas, a été retiré, ou si la personne a été effacée' })
  firstName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) phone?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) email?: string | null;
}

export class ActorView {
  @ApiProperty({ enum: ['sender', 'receiver', 'coordinator', 'system'] }) party!: string;
  @ApiProperty({ enum: ['agent', 'integration', 'coordinator', 'admin', 'system'] }) role!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) structureId!: string | null;
  @ApiProperty({ description: 'Identifiant technique du compte, jamais un nom' }) subject!: string;
}

export class TransitionView {
  @ApiProperty({ enum: referralStatuses }) from!: ReferralStatus;
  @ApiProperty({ enum: referralStatuses }) to!: ReferralStatus;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: ActorView }) by!: ActorView;
  @ApiProperty({ type: String, nullable: true }) reasonCode!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Visible des deux structures seulement' }) comment?: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) redirectedToReferralId!: string | null;
}

export class OutcomeView {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Visible des deux structures seulement' }) summary?: string | null;
  @ApiProperty({ enum: autonomyGains, nullable: true }) autonomyGained!: AutonomyGain | null;
  @ApiProperty({ type: String, nullable: true }) nextStep!: string | null;
}

export class DeadlinesView {
  @ApiProperty({ format: 'date-time' }) acknowledgeDueAt!: string;
  @ApiProperty({ format: 'date-time' }) firstContactDueAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstContactAt!: string | null;
  @ApiProperty({ description: 'Accusé de réception ou premier contact au-delà du délai' }) overdue!: boolean;
}

export class ReferralSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() personReference!: string;
  @ApiProperty({ enum: referralStatuses }) status!: ReferralStatus;
  @ApiProperty({ enum: urgencies }) urgency!: Urgency;
  @ApiProperty({ type: [String] }) needs!: string[];
  @ApiProperty({ format: 'uuid' }) sendingStructureId!: string;
  @ApiProperty({ format: 'uuid' }) receivingServiceId!: string;
  @ApiProperty({ format: 'uuid' }) receivingStructureId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) networkId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) previousReferralId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) statusChangedAt!: string;
  @ApiProperty({ type: DeadlinesView }) deadlines!: DeadlinesView;
  @ApiProperty({ description: 'La personne a été effacée : ses données personnelles n’existent plus' }) personErased!: boolean;
}

export class ReferralDetailView extends ReferralSummaryView {
  @ApiProperty({ enum: ['full', 'pseudonymous'], description: 'pseudonymous : vue de coordination, sans identifiant direct ni texte libre' }) view!: 'full' | 'pseudonymous';
  @ApiProperty({ type: PersonView }) person!: PersonView;
  @ApiPropertyOptional({ type: String, nullable: true }) reason?: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assessmentId!: string | null;
  @ApiProperty({ type: ConsentView }) consent!: ConsentView;
  @ApiProperty({ type: OutcomeView, nullable: true }) outcome!: OutcomeView | null;
  @ApiProperty({ type: [TransitionView], description: 'Chaque transition : qui, quand, pourquoi' }) history!: TransitionView[];
  @ApiProperty({ enum: referralStatuses, isArray: true, description: "Statuts où l'appelant peut faire passer l'orientation" }) allowedTransitions!: ReferralStatus[];
}

export class ReferralPageView {
  @ApiProperty({ type: [ReferralSummaryView] }) items!: ReferralSummaryView[];
  @ApiProperty({ type: String, nullable: true, description: 'À passer en `cursor` pour la page suivante ; null en fin de liste' }) nextCursor!: string | null;
}
