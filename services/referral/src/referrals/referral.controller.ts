import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { ApiIdempotencyKey, ApiProblems, markReplayed } from '@relais/platform';
import type { Response } from 'express';
import { ReferralIdPipe } from '../shared/params';
import type { TransitionResult } from '../referral-model/referral-mover';
import { ReferralCreation } from './referral-creation';
import { CreatedReferralView, CreateReferralDto } from './referral-creation.dto';
import { ReferralMoves } from './referral-moves';
import { TransitionDto, TransitionResultView } from './referral-moves.dto';
import { ReferralReads } from './referral-reads';
import { ListReferralsQuery, ReferralDetailView, ReferralPageView } from './referral-reads.dto';

@ApiTags('orientations')
@ApiBearerAuth()
@Controller('v1/referrals')
export class ReferralController {
  constructor(
    private readonly creation: ReferralCreation,
    private readonly moves: ReferralMoves,
    private readonly reads: ReferralReads,
  ) {}

  @Post()
  @Roles('agent', 'integration')
  @ApiOperation({
    summary: 'Orienter une personne vers un service',
    description:
      "Crée une orientation au statut `requested`. Avec `Idempotency-Key`, la même clé et le même corps rendent la même réponse 201 ; la même clé avec un autre corps est refusée (422) ; voir « Retries » dans docs/integrators.md.",
  })
  @ApiIdempotencyKey('24 h')
  @ApiCreatedResponse({ type: CreatedReferralView, headers: { 'Idempotent-Replayed': { description: '`true` quand la réponse est rejouée', schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403, 422)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateReferralDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedReferralView> {
    const { body: created, replayed } = await this.creation.create(principal, body, idempotencyKey);
    if (replayed) markReplayed(response);
    response.setHeader('Location', `/api/referral/v1/referrals/${created.id}`);
    return created;
  }

  @Get()
  @ApiOperation({
    summary: 'Boîte de réception, suivi des envois, ou orientations du réseau',
    description: 'Du plus récent au plus ancien, par pages (curseur). Aucune donnée personnelle directe dans la liste.',
  })
  @ApiOkResponse({ type: ReferralPageView })
  @ApiProblems(400, 401, 403)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListReferralsQuery): Promise<ReferralPageView> {
    return this.reads.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Une orientation et son historique',
    description:
      'Les deux structures la voient en entier (le destinataire selon le consentement) ; une coordination de son réseau la voit sans identifiant direct. Chaque lecture de données personnelles est inscrite au journal d’audit.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ReferralDetailView })
  @ApiProblems(401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('id', ReferralIdPipe) id: string): Promise<ReferralDetailView> {
    return this.reads.get(principal, id);
  }

  @Post(':id/transitions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Faire avancer une orientation',
    description:
      'Le destinataire la fait avancer (received, accepted, rejected, redirected, in-progress, on-hold, completed, failed), la structure d’origine l’annule (cancelled), une coordination la réaffecte dans son réseau (redirected). Un passage interdit rend 409 avec le statut actuel et les statuts possibles.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TransitionResultView })
  @ApiProblems(400, 401, 403, 404, 409, 422)
  transition(@CurrentPrincipal() principal: Principal, @Param('id', ReferralIdPipe) id: string, @Body() body: TransitionDto): Promise<TransitionResult> {
    return this.moves.transition(principal, id, body);
  }
}
