import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '@relais/platform';
import { CreatedWebhook, CreateWebhook, DeliveryView, UpdateWebhook, WebhookListQuery, WebhookView } from './webhook.dto';
import { WebhookSubscriptions } from './webhook-subscriptions.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('integration', 'admin')
@ApiForbiddenResponse({ description: 'Réservé aux clients d’intégration (pour leur structure) et aux administrateurs' })
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly subscriptions: WebhookSubscriptions) {}

  @Post()
  @ApiOperation({ summary: 'Abonner le logiciel de sa structure aux événements de ses orientations (webhooks signés)' })
  @ApiCreatedResponse({ type: CreatedWebhook })
  @ApiBadRequestResponse({ description: 'Adresse refusée (https exigé, adresses privées ou locales interdites) ou champ invalide' })
  @ApiUnprocessableEntityResponse({ description: 'La structure a atteint le nombre maximal d’abonnements' })
  create(@Body() body: CreateWebhook, @CurrentPrincipal() principal: Principal): Promise<CreatedWebhook> {
    return this.subscriptions.create(body, principal);
  }

  @Get()
  @ApiOperation({ summary: 'Les abonnements de sa structure (administrateur : de toutes, ou d’une seule)' })
  @ApiOkResponse({ type: [WebhookView] })
  list(@Query() query: WebhookListQuery, @CurrentPrincipal() principal: Principal): Promise<WebhookView[]> {
    return this.subscriptions.list(query, principal);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Changer l’adresse ou les événements d’un abonnement' })
  @ApiOkResponse({ type: WebhookView })
  @ApiBadRequestResponse({ description: 'Adresse refusée ou champ invalide' })
  @ApiNotFoundResponse()
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateWebhook, @CurrentPrincipal() principal: Principal): Promise<WebhookView> {
    return this.subscriptions.update(id, body, principal);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Les derniers envois d’un abonnement et leur sort' })
  @ApiOkResponse({ type: [DeliveryView] })
  @ApiNotFoundResponse()
  deliveries(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<DeliveryView[]> {
    return this.subscriptions.deliveries(id, principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Supprimer un abonnement webhook de sa structure' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 404)
  remove(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.subscriptions.remove(id, principal);
  }
}
