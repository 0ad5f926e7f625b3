import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '@relais/platform';
import type { TransitionResult } from '../referral-model/referral-mover';
import { TransitionDto, TransitionResultView } from '../referrals/referral-moves.dto';
import { ReferralIdPipe } from '../shared/params';
import { ActionLinkView } from './action-link.dto';
import { ActionLinks } from './action-links.service';

const tokenParam = { name: 'token', description: 'Le jeton du lien reçu par courriel (signé, une orientation, limité dans le temps)' };

@ApiTags('liens d’action')
@Controller('v1')
export class ActionLinksController {
  constructor(private readonly links: ActionLinks) {}

  @Get('links/:token')
  @Public()
  @ApiOperation({
    summary: 'L’orientation d’un lien d’action, telle que la structure destinataire la voit',
    description:
      'Sans compte : le lien vaut pour une orientation et la structure destinataire, jusqu’à sa clôture ou son expiration. Ouvert, il rend l’orientation (coordonnées selon le consentement), les statuts possibles et les motifs ; clos, ce qui s’est passé (state: closed), sans données de la personne. Chaque usage est journalisé.',
    security: [],
  })
  @ApiParam(tokenParam)
  @ApiOkResponse({ type: ActionLinkView })
  @ApiProblems(404)
  view(@Param('token') token: string): Promise<ActionLinkView> {
    return this.links.view(token);
  }

  @Post('links/:token/transitions')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Faire avancer l’orientation d’un lien d’action',
    description: 'Même corps et mêmes règles que POST /v1/referrals/{id}/transitions pour la structure destinataire (accuser réception, accepter, refuser avec motif, réorienter…).',
    security: [],
  })
  @ApiParam(tokenParam)
  @ApiOkResponse({ type: TransitionResultView })
  @ApiProblems(400, 403, 404, 409, 422)
  transition(@Param('token') token: string, @Body() body: TransitionDto): Promise<TransitionResult> {
    return this.links.transition(token, body);
  }

  @Post('links/:token/revocation')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Révoquer ce lien (transféré par erreur…)', description: 'Le lien cesse aussitôt de fonctionner ; l’orientation reste ouverte dans l’espace de travail.', security: [] })
  @ApiParam(tokenParam)
  @ApiNoContentResponse()
  @ApiProblems(404)
  revoke(@Param('token') token: string): Promise<void> {
    return this.links.revoke(token);
  }

  @Post('referrals/:id/links/revocation')
  @ApiBearerAuth()
  @Roles('agent', 'integration')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Révoquer tous les liens d’action déjà envoyés pour une orientation', description: 'Réservé aux deux structures de l’orientation ; toute autre reçoit 404.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse()
  @ApiProblems(401, 403, 404)
  revokeAll(@CurrentPrincipal() principal: Principal, @Param('id', ReferralIdPipe) id: string): Promise<void> {
    return this.links.revokeAll(principal, id);
  }
}
