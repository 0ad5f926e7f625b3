import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsUrl } from 'class-validator';
import { webhookEventTypes } from './webhook-events';

export class CreateWebhook {
  @ApiProperty({ description: 'Adresse HTTPS (HTTP accepté en local) qui recevra les événements', example: 'https://caf.example/relais/webhooks' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  url!: string;

  @ApiPropertyOptional({ description: 'Types d’événements voulus (par défaut : tous ceux qui concernent la structure)', enum: webhookEventTypes, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(webhookEventTypes, { each: true })
  events?: string[];
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ isArray: true, enum: webhookEventTypes }) events!: string[];
  @ApiProperty() createdAt!: string;
}

export class CreatedWebhook extends WebhookView {
  @ApiProperty({ description: 'Secret de signature (Standard Webhooks), montré une seule fois', example: 'whsec_…' })
  secret!: string;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
}
