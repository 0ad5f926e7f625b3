import { Module, type DynamicModule } from '@nestjs/common';
import type { NotificationConfig } from '../config';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookFanout } from './webhook-fanout';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookPersonErasure } from './webhook-person-erasure';
import { WEBHOOK_SETTINGS, webhookSettings, type WebhookSettings } from './webhook-settings';
import { WebhookSubscriptions } from './webhook-subscriptions.service';
import { WebhooksController } from './webhooks.controller';

@Module({})
export class WebhooksModule {
  /** `deliverer`: whether this process sends deliveries (it runs workers); the fan-out records them either way. */
  static forRoot(config: NotificationConfig, overrides: Partial<WebhookSettings> = {}, { deliverer = true }: { deliverer?: boolean } = {}): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: [WebhooksController],
      providers: [
        { provide: WEBHOOK_SETTINGS, useValue: { ...webhookSettings(config), ...overrides } },
        WebhookSubscriptions,
        WebhookFanout,
        ...(deliverer ? [WebhookDeliverer, WebhookMetrics] : []),
        WebhookPersonErasure,
      ],
    };
  }
}
