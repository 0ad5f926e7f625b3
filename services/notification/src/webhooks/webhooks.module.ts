import { Module, type DynamicModule } from '@nestjs/common';
import type { NotificationConfig } from '../config';
import { WebhookFanout } from './webhook-fanout';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookPersonErasure } from './webhook-person-erasure';
import { WEBHOOK_SETTINGS, webhookSettings, type WebhookSettings } from './webhook-settings';
import { WebhookSubscriptions } from './webhook-subscriptions.service';
import { WebhooksController } from './webhooks.controller';

@Module({})
export class WebhooksModule {
  /**
   * `workers`: whether this process runs the workers (its metrics are measured there); the fan-out records
   * webhooks either way, and the one sending loop (MessagesModule) sends them.
   */
  static forRoot(config: NotificationConfig, overrides: Partial<WebhookSettings> = {}, { workers = true }: { workers?: boolean } = {}): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: [WebhooksController],
      providers: [
        { provide: WEBHOOK_SETTINGS, useValue: { ...webhookSettings(config), ...overrides } },
        WebhookSubscriptions,
        WebhookFanout,
        ...(workers ? [WebhookMetrics] : []),
        WebhookPersonErasure,
      ],
    };
  }
}
