import { Module } from '@nestjs/common';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookFanout } from './webhook-fanout';
import { WebhookSubscriptions } from './webhook-subscriptions.service';
import { WebhooksController } from './webhooks.controller';

@Module({ controllers: [WebhooksController], providers: [WebhookSubscriptions, WebhookFanout, WebhookDeliverer] })
export class WebhooksModule {}
