import { ApiProperty } from '@nestjs/swagger';
import { referralStatuses, type ReferralStatus } from '@relais/contracts';
import { ReferralDetailView } from '../referrals/referral-reads.dto';

export class LinkOutcomeView {
  @ApiProperty({ enum: referralStatuses, description: 'Le statut final de l’orientation' }) status!: ReferralStatus;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['sender', 'receiver', 'coordinator', 'system'], description: 'Qui l’a close' }) by!: string;
  @ApiProperty({ type: String, nullable: true }) reasonCode!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Pour redirected : la nouvelle orientation' }) redirectedToReferralId!: string | null;
}

export class ReasonCodesView {
  @ApiProperty({ type: [String] }) rejected!: string[];
  @ApiProperty({ type: [String] }) redirected!: string[];
  @ApiProperty({ type: [String] }) failed!: string[];
  @ApiProperty({ type: [String] }) 'on-hold'!: string[];
}

export class ActionLinkView {
  @ApiProperty({ enum: ['open', 'closed'], description: 'closed : l’orientation a atteint un état final ; le lien dit ce qui s’est passé et ne permet plus d’agir' })
  state!: 'open' | 'closed';
  @ApiProperty({ format: 'date-time', description: 'Fin de validité du lien (il cesse aussi à la clôture de l’orientation)' }) expiresAt!: string;
  @ApiProperty({ format: 'uuid' }) referralId!: string;
  @ApiProperty({ format: 'uuid', description: 'La structure destinataire pour laquelle le lien agit' }) structureId!: string;
  @ApiProperty({
    type: ReferralDetailView,
    nullable: true,
    description: 'Ouvert : l’orientation telle que les agents de la structure destinataire la voient (coordonnées selon le consentement) ; clos : null',
  })
  referral!: ReferralDetailView | null;
  @ApiProperty({ type: LinkOutcomeView, nullable: true, description: 'Clos : ce qui s’est passé' }) outcome!: LinkOutcomeView | null;
  @ApiProperty({ enum: referralStatuses, isArray: true, description: 'Statuts où le lien peut faire passer l’orientation' }) allowedTransitions!: ReferralStatus[];
  @ApiProperty({ type: ReasonCodesView, description: 'Motifs possibles par statut visé' }) reasonCodes!: ReasonCodesView;
}
