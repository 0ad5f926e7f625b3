import { ApiProperty } from '@nestjs/swagger';
import {
  consentMethods,
  consentScopes,
  consentSharedWith,
  type ConsentMethod,
  type ConsentScope,
  type ConsentSharedWith,
  type ReferralEntity,
} from '../referral-model/referral.entity';
import { consentActive } from './consent-policy';

export class ConsentView {
  @ApiProperty({ enum: consentScopes, isArray: true }) scope!: ConsentScope[];
  @ApiProperty({ enum: consentMethods }) method!: ConsentMethod;
  @ApiProperty({ enum: consentSharedWith }) sharedWith!: ConsentSharedWith;
  @ApiProperty({ format: 'date-time' }) obtainedAt!: string;
  @ApiProperty({ description: 'Le compte qui a enregistré le consentement (tiré du jeton, jamais du corps de la requête)' }) obtainedBy!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ description: 'Le consentement tient (ni retiré, ni échu)' }) active!: boolean;
}

/** The consent a referral carries, as its two structures see it. */
export function consentView(referral: ReferralEntity, now: Date): ConsentView {
  return {
    scope: referral.consentScope,
    method: referral.consentMethod,
    sharedWith: referral.consentSharedWith,
    obtainedAt: referral.consentObtainedAt.toISOString(),
    obtainedBy: referral.consentObtainedBy,
    expiresAt: referral.consentExpiresAt?.toISOString() ?? null,
    revokedAt: referral.consentRevokedAt?.toISOString() ?? null,
    active: consentActive(referral, now),
  };
}
