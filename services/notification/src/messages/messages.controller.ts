import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '@relais/platform';
import { DeliveriesQuery, MessageDeliveryView, PreferencesInput, PreferencesView } from './messages.dto';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('v1')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get('deliveries')
  @Roles('agent', 'integration')
  @ApiOperation({
    summary: 'Les courriels et SMS envoyés au sujet d’une orientation, et leur sort',
    description: 'Réservé aux deux structures de l’orientation ; toute autre reçoit 404. Ni adresse, ni numéro, ni contenu : le canal, le destinataire (rôle), le statut.',
  })
  @ApiOkResponse({ type: [MessageDeliveryView] })
  @ApiProblems(400, 401, 403, 404)
  deliveries(@CurrentPrincipal() principal: Principal, @Query() query: DeliveriesQuery): Promise<MessageDeliveryView[]> {
    return this.messages.deliveries(principal, query.referralId);
  }

  @Get('structures/:structureId/preferences')
  @Roles('agent', 'integration', 'admin')
  @ApiOperation({ summary: 'Les préférences de notification de sa structure (canaux, numéro SMS, heures calmes)' })
  @ApiParam({ name: 'structureId', format: 'uuid' })
  @ApiOkResponse({ type: PreferencesView })
  @ApiProblems(400, 401, 403, 404)
  preferences(@CurrentPrincipal() principal: Principal, @Param('structureId', ParseUUIDPipe) structureId: string): Promise<PreferencesView> {
    return this.messages.preferences(principal, structureId);
  }

  @Put('structures/:structureId/preferences')
  @Roles('agent', 'integration', 'admin')
  @ApiOperation({ summary: 'Régler les préférences de notification de sa structure', description: 'Remplace les réglages ; les messages déjà enregistrés gardent les leurs.' })
  @ApiParam({ name: 'structureId', format: 'uuid' })
  @ApiOkResponse({ type: PreferencesView })
  @ApiProblems(400, 401, 403, 404)
  savePreferences(
    @CurrentPrincipal() principal: Principal,
    @Param('structureId', ParseUUIDPipe) structureId: string,
    @Body() body: PreferencesInput,
  ): Promise<PreferencesView> {
    return this.messages.savePreferences(principal, structureId, body);
  }
}
