import { ApiProperty } from '@nestjs/swagger';
import { referralStatuses, type ReferralStatus } from '@relais/contracts';

export class TransitionResultView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: referralStatuses }) status!: ReferralStatus;
  @ApiProperty({ enum: referralStatuses }) previousStatus!: ReferralStatus;
  @ApiProperty({ format: 'date-time' }) statusChangedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Pour redirected : la nouvelle orientation' }) redirectedToReferralId!: string | null;
  @ApiProperty({ enum: referralStatuses, isArray: true }) allowedTransitions!: ReferralStatus[];
}
