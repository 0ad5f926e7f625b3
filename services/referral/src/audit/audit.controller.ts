import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@relais/auth';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { ApiProblems } from '../shared/api-problems';
import { auditActions, AuditLog, type AuditAction, type AuditEntry } from './audit-log';

class AuditQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  referralId?: string;

  @ApiPropertyOptional({ description: 'Référence pseudonyme de la personne' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{8,128}$/)
  personReference?: string;

  @ApiPropertyOptional({ description: 'Curseur : les entrées plus anciennes que cet id' })
  @IsOptional()
  @Matches(/^\d{1,19}$/)
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
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) referralId!: string | null;
  @ApiProperty({ type: String, nullable: true }) personRef!: string | null;
  @ApiProperty({ type: [String], description: 'Les champs lus ou effacés (jamais leurs valeurs)' }) fields!: string[];
}

class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
  @ApiProperty({ type: String, nullable: true }) nextBefore!: string | null;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Journal des accès aux données personnelles (qui, quand, quelle orientation, quels champs)', description: 'Réservé aux administrateurs. Du plus récent au plus ancien.' })
  @ApiOkResponse({ type: AuditPageView })
  @ApiProblems(400, 401, 403)
  async list(@Query() query: AuditQuery): Promise<{ items: AuditEntry[]; nextBefore: string | null }> {
    const limit = query.limit ?? 100;
    const items = await this.audit.list({ referralId: query.referralId, personRef: query.personReference, before: query.before, limit });
    return { items, nextBefore: items.length === limit ? (items[items.length - 1]?.id ?? null) : null };
  }
}
