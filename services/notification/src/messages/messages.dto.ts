import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { messageChannels } from './channels/message-channel';

export class DeliveriesQuery {
  @ApiProperty({ format: 'uuid', description: 'L’orientation dont on veut les messages' })
  @IsUUID()
  referralId!: string;
}

export const messageStatuses = ['queued', 'sent', 'delivered', 'bounced', 'failed', 'cancelled'] as const;

export class MessageDeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['receiver', 'sender', 'person', 'coordinator', 'software'], description: 'À qui : la structure destinataire, la structure d’origine, la personne, une coordination, le logiciel de la structure qui consulte (webhook)' }) recipient!: string;
  @ApiProperty({ enum: [...messageChannels, 'webhook'], description: 'Canal actuel (après un éventuel repli)' }) channel!: string;
  @ApiProperty({ description: 'Modèle du message (receiver-requested, sender-moved…)' }) template!: string;
  @ApiProperty({ description: 'Type de l’événement qui l’a causé' }) cause!: string;
  @ApiProperty({ enum: messageStatuses, description: 'queued : à envoyer ; sent : accepté par le serveur ou le fournisseur ; delivered : remis (accusé du fournisseur) ; bounced : refusé pour ce destinataire (SMTP 5xx, numéro refusé) ; failed : abandonné ; cancelled : personne effacée' }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Dernière erreur, en mots génériques (jamais une adresse)' }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Quand le fournisseur a dit le message remis (SMS)' }) deliveredAt!: string | null;
}

export class QuietHoursInput {
  @ApiProperty({ example: '19:00', description: 'Début (heure de Paris)' }) @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'HH:MM' }) start!: string;
  @ApiProperty({ example: '08:30', description: 'Fin (heure de Paris), le lendemain si avant le début' }) @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'HH:MM' }) end!: string;
}

export class PreferencesInput {
  @ApiProperty({ enum: messageChannels, isArray: true, example: ['email', 'sms'], description: 'Canaux dans l’ordre : le premier est essayé, les suivants servent de repli' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(messageChannels.length)
  @ArrayUnique()
  @IsIn(messageChannels, { each: true })
  channels!: Array<(typeof messageChannels)[number]>;

  @ApiPropertyOptional({ nullable: true, type: String, example: '06 12 34 56 78', description: 'Numéro de permanence de la structure pour les SMS (obligatoire avec le canal sms)' })
  @IsOptional()
  @IsString()
  @Length(8, 20)
  smsNumber?: string | null;

  @ApiPropertyOptional({ nullable: true, type: QuietHoursInput, description: 'Heures calmes : aucun SMS n’en part, il attend leur fin (les courriels partent)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursInput)
  quietHours?: QuietHoursInput | null;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Un seul courriel par jour listant les nouvelles orientations, au lieu d’un par orientation (les urgentes partent aussitôt)' })
  @IsOptional()
  @IsBoolean()
  digest?: boolean;
}

export class QuietHoursView {
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
}

export class PreferencesView {
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty({ enum: messageChannels, isArray: true }) channels!: string[];
  @ApiProperty({ nullable: true, type: String }) smsNumber!: string | null;
  @ApiProperty({ nullable: true, type: QuietHoursView }) quietHours!: QuietHoursView | null;
  @ApiProperty({ description: 'Récapitulatif quotidien des nouvelles orientations au lieu d’un courriel chacune' }) digest!: boolean;
  @ApiProperty({ description: 'false : les réglages par défaut (courriel seul), jamais enregistrés' }) saved!: boolean;
}
