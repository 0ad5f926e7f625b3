import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { referralStatuses, type ReferralStatus } from '@relais/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { autonomyGains, type AutonomyGain } from '../referral-model/referral.entity';
import { allReasonCodes } from './reason-codes';
import { CODE_PATTERN } from './referral-codes';

// The body of `POST /v1/referrals/{id}/transitions` and its answer.

export class OutcomeDto {
  @ApiPropertyOptional({ description: 'Ce qui a été fait (texte libre, chiffré, jamais publié dans les événements)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  summary?: string;

  @ApiPropertyOptional({ enum: autonomyGains, description: "Autonomie gagnée" })
  @IsOptional()
  @IsIn(autonomyGains)
  autonomyGained?: AutonomyGain;

  @ApiPropertyOptional({ description: 'Étape suivante proposée : un rôle (formation, accompagnement…) ou un code de thématique', example: 'formation' })
  @IsOptional()
  @Matches(CODE_PATTERN, { message: 'nextStep doit être un code (rôle ou thématique)' })
  @MaxLength(100)
  nextStep?: string;
}

export class TransitionDto {
  @ApiProperty({ enum: referralStatuses, description: 'Le statut visé' })
  @IsIn(referralStatuses)
  status!: ReferralStatus;

  @ApiPropertyOptional({ enum: allReasonCodes, description: 'Motif (obligatoire pour rejected et failed ; listes dans docs/referral.md)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reasonCode?: string;

  @ApiPropertyOptional({ description: 'Commentaire (texte libre, chiffré, effacé avec la personne)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Pour redirected : le nouveau service destinataire' })
  @IsOptional()
  @IsUUID()
  redirectToServiceId?: string;

  @ApiPropertyOptional({ type: OutcomeDto, description: 'Pour completed : le résultat, que la structure d’origine voit' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OutcomeDto)
  outcome?: OutcomeDto;
}

export class TransitionResultView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: referralStatuses }) status!: ReferralStatus;
  @ApiProperty({ enum: referralStatuses }) previousStatus!: ReferralStatus;
  @ApiProperty({ format: 'date-time' }) statusChangedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Pour redirected : la nouvelle orientation' }) redirectedToReferralId!: string | null;
  @ApiProperty({ enum: referralStatuses, isArray: true }) allowedTransitions!: ReferralStatus[];
}
