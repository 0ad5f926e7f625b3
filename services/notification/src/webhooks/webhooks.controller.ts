import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { CreatedWebhook, CreateWebhook, DeliveryView, WebhookView } from './webhook.dto';
import { WebhookSubscriptions } from './webhook-subscriptions.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('integration', 'agent', 'admin')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly subscriptions: WebhookSubscriptions) {}

  @Post()
  @ApiOperation({ summary: 'Abonner le logiciel de sa structure aux événements de ses orientations (webhooks signés)' })
  @ApiCreatedResponse({ type: CreatedWebhook })
  create(@Body() body: CreateWebhook, @CurrentPrincipal() principal: Principal): Promise<CreatedWebhook> {
    return this.subscriptions.create(body, principal);
  }

  @Get()
  @ApiOperation({ summary: 'Les abonnements de sa structure' })
  @ApiOkResponse({ type: [WebhookView] })
  list(@CurrentPrincipal() principal: Principal): Promise<WebhookView[]> {
    return this.subscriptions.list(principal);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Les derniers envois d’un abonnement et leur sort' })
  @ApiOkResponse({ type: [DeliveryView] })
  deliveries(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<DeliveryView[]> {
    return this.subscriptions.deliveries(id, principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.subscriptions.remove(id, principal);
  }
}
