import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@relais/auth';
import { ApiProblems, pageOf, readCursor, ValidationError } from '@relais/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
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

  @ApiPropertyOptional({ description: 'Curseur opaque de la page suivante (nextCursor de la page précédente)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ deprecated: true, description: 'Ancien curseur (id de la dernière entrée lue) : remplacé par cursor, accepté encore pendant une version' })
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
  @ApiProperty({ type: String, nullable: true, description: 'À passer en `cursor` pour la page suivante ; null en fin de liste' }) nextCursor!: string | null;
  @ApiProperty({ type: String, nullable: true, deprecated: true, description: 'Ancien curseur (pour `before`), remplacé par nextCursor, donné encore pendant une version' })
  nextBefore!: string | null;
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
  async list(@Query() query: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null; nextBefore: string | null }> {
    const limit = query.limit ?? 100;
    const before = query.cursor !== undefined ? auditCursor(query.cursor) : query.before;
    const rows = await this.audit.list({ referralId: query.referralId, personRef: query.personReference, before, limit: limit + 1 });
    const page = pageOf(rows, limit, (row) => row, (row) => [row.id]);
    return { ...page, nextBefore: page.nextCursor === null ? null : (page.items[page.items.length - 1]?.id ?? null) };
  }
}

/** The entry id an audit cursor holds; anything else is the 400 every list answers for a cursor not its own. */
function auditCursor(cursor: string): string {
  const [id] = readCursor(cursor, 1);
  if (typeof id !== 'string' || !/^\d{1,19}$/.test(id)) throw new ValidationError([{ field: 'cursor', message: 'curseur illisible : reprenez nextCursor tel quel' }]);
  return id;
}
