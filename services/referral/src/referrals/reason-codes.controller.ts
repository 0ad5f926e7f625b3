import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '@relais/auth';
import { referralStatuses, type ReferralStatus } from '@relais/contracts';
import { reasonCodes, reasonRequired } from './reason-codes';

export class MoveReasonsView {
  @ApiProperty({ enum: referralStatuses, description: 'Le statut visé par le passage' }) status!: ReferralStatus;
  @ApiProperty({ description: 'Un motif est obligatoire pour ce passage' }) required!: boolean;
  @ApiProperty({ type: [String], description: 'Les motifs possibles ; « autre » demande un commentaire' }) codes!: string[];
}

export class ReasonCodesView {
  @ApiProperty({ type: [MoveReasonsView] }) moves!: MoveReasonsView[];
}

/** The lists the transitions endpoint checks (reason-codes.ts), for forms that offer them: one source, no copy. */
export const reasonCodesView: ReasonCodesView = {
  moves: Object.entries(reasonCodes).map(([status, codes]) => ({
    status: status as ReferralStatus,
    required: reasonRequired.has(status as ReferralStatus),
    codes: [...codes],
  })),
};

@ApiTags('orientations')
@Controller('v1/reason-codes')
export class ReasonCodesController {
  @Public()
  @Get()
  // The lists change only with a release.
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({
    summary: 'Les motifs de chaque passage d’une orientation',
    description: 'Motifs acceptés par `POST /v1/referrals/{id}/transitions`, par statut visé (docs/referral.md, « Reason codes »). Public : aucune donnée.',
    security: [],
  })
  @ApiOkResponse({ type: ReasonCodesView })
  list(): ReasonCodesView {
    return reasonCodesView;
  }
}
