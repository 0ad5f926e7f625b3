import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsUrl, IsUUID } from 'class-validator';
import { IsOmittable } from '@relais/platform';
import { webhookEventTypes } from './webhook-events';
import { deliveryFailures } from './webhook-http';

// Body fields may be left out, never null (IsOmittable): `"structureId": null` was a 500 (a NOT NULL column).
const urlDescription =
  'Adresse HTTPS qui recevra les événements (http n’est accepté que vers localhost sur une instance de développement ; les adresses privées, locales ou réservées sont refusées)';

export class CreateWebhook {
  @ApiProperty({ description: urlDescription, example: 'https://caf.example/relais/webhooks' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  url!: string;

  @ApiPropertyOptional({ description: 'Types d’événements voulus (par défaut : tous ceux qui concernent la structure)', enum: webhookEventTypes, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(webhookEventTypes, { each: true })
  events?: string[];

  @ApiPropertyOptional({ description: 'Structure abonnée : obligatoire pour un administrateur ; une intégration abonne toujours sa propre structure', format: 'uuid' })
  @IsOmittable()
  @IsUUID()
  structureId?: string;
}

export class UpdateWebhook {
  @ApiPropertyOptional({ description: urlDescription, example: 'https://caf.example/relais/webhooks' })
  @IsOmittable()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  url?: string;

  @ApiPropertyOptional({ description: 'Types d’événements voulus', enum: webhookEventTypes, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(webhookEventTypes, { each: true })
  events?: string[];
}

export class WebhookListQuery {
  @ApiPropertyOptional({ description: 'Administrateur : les abonnements d’une seule structure', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  structure?: string;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) structureId!: string;
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
  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'cancelled'], description: '`cancelled` : la personne concernée a été effacée avant l’envoi' })
  status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String, enum: deliveryFailures, description: 'Cause générique du dernier échec' })
  lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
}
