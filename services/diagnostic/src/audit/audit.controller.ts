import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Roles } from '@relais/auth';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { auditActions, AuditLog, type AuditAction, type AuditEntry } from './audit-log';

class AuditQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;

  @ApiPropertyOptional({ description: 'Référence pseudonyme de la personne' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{8,128}$/, { message: 'personRef ne contient que lettres, chiffres et . _ : - (8 à 128 caractères)' })
  personRef?: string;

  @ApiPropertyOptional({ description: 'Curseur : les entrées plus anciennes que cet id' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'before est un identifiant d’entrée (nombre)' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

class AuditActorView {
  @ApiProperty() subject!: string;
  @ApiProperty({ type: String, nullable: true }) clientId!: string | null;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) structureId!: string | null;
}

class AuditEntryView {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: Date;
  @ApiProperty({ enum: auditActions }) action!: AuditAction;
  @ApiProperty({ type: AuditActorView }) actor!: AuditActorView;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assessmentId!: string | null;
  @ApiProperty({ type: String, nullable: true }) personRef!: string | null;
  @ApiProperty({ type: [String], description: 'Les champs lus ou effacés (jamais leurs valeurs)' }) fields!: string[];
}

class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
  @ApiProperty({ type: String, nullable: true }) nextBefore!: string | null;
}

@ApiTags('audit')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Jeton absent ou invalide (problem+json)' })
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'Journal des lectures de diagnostics (qui, quand, quel diagnostic, quelle personne, quels champs)',
    description: 'Réservé aux administrateurs (le délégué à la protection des données du département). Du plus récent au plus ancien.',
  })
  @ApiOkResponse({ type: AuditPageView })
  @ApiForbiddenResponse({ description: 'Rôle admin requis (problem+json)' })
  async list(@Query() query: AuditQuery): Promise<{ items: AuditEntry[]; nextBefore: string | null }> {
    const limit = query.limit ?? 100;
    const items = await this.audit.list({ assessmentId: query.assessmentId, personRef: query.personRef, before: query.before, limit });
    return { items, nextBefore: items.length === limit ? (items[items.length - 1]?.id ?? null) : null };
  }
}
