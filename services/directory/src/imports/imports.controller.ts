import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles, type Principal } from '@relais/auth';
import { booleanFromQuery, DomainError } from '@relais/platform';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { ApiProblems } from '../shared/problems';
import { HsdsExporter, type HsdsPage } from './hsds-export';
import { importFormats, type ImportFormat, type ImportReport } from './import-plan';
import { ImportsService } from './imports.service';

/** The part of a multipart upload the import reads. */
interface UploadedImportFile {
  buffer: Buffer;
  originalname: string;
  size: number;
}

const MAX_FILE_BYTES = 50 * 1024 * 1024;

export class ImportQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Réseau local des structures dont la commune n’est couverte par aucun réseau' })
  @IsOptional()
  @IsUUID()
  network?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Vérifier et rendre le rapport sans rien écrire' })
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean()
  dryRun?: boolean;
}

export class ExportQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Seulement les services des structures de ce réseau local' }) @IsOptional() @IsUUID() network?: string;
}

class RowReportView {
  @ApiProperty({ description: 'Numéro de ligne dans le fichier' }) row!: number;
  @ApiProperty({ enum: ['structure', 'service'] }) kind!: string;
  @ApiProperty() sourceId!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged', 'rejected'] }) outcome!: string;
  @ApiPropertyOptional({ type: [String], description: 'Pourquoi la ligne est rejetée' }) reasons?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Champs de la ligne que l’annuaire n’a pas repris, et pourquoi (la ligne, elle, est importée)' }) notes?: string[];
}

class ImportSummaryView {
  @ApiProperty() total!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ description: 'Lignes importées dont des champs n’ont pas été repris (voir notes)' }) withNotes!: number;
}

export class ImportReportView {
  @ApiProperty({ enum: importFormats }) format!: string;
  @ApiProperty() source!: string;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ type: ImportSummaryView }) summary!: ImportSummaryView;
  @ApiProperty({ type: [RowReportView] }) rows!: RowReportView[];
}

@ApiTags('imports et exports')
@Controller('v1')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly hsds: HsdsExporter,
  ) {}

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Post('imports/:format')
  @HttpCode(HttpStatus.OK)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_FILE_BYTES } }))
  @ApiOperation({
    summary: 'Importer un fichier data·inclusion v1 (JSON, NDJSON, CSV, page de l’API) ou Lieux de médiation numérique (CSV ou JSON)',
    description:
      'Chaque ligne est écrite dans sa propre transaction ou rejetée entière avec ses raisons ; réimporter le même fichier ne change rien. ' +
      'Un coordinateur n’importe que dans les réseaux qu’il coordonne : une ligne qui rattacherait une fiche à un autre réseau, ou modifierait une fiche ' +
      'qu’aucun de ses réseaux ne porte, est rejetée avec sa raison ; un `network` qu’il ne coordonne pas est refusé (403). ' +
      'Chaque ligne data·inclusion est d’abord vérifiée avec le schéma JSON officiel v1 (erreurs avec leur chemin) ; ' +
      'un champ sans place dans l’annuaire est signalé dans les notes de sa ligne. ' +
      'Un fichier illisible, ou au schéma data·inclusion v0, est refusé en entier (422).',
  })
  @ApiParam({ name: 'format', enum: importFormats })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: ImportReportView })
  @ApiProblems(400, 401, 403, 413, 422)
  async import(
    @CurrentPrincipal() principal: Principal,
    @Param('format') format: string,
    @Query() query: ImportQuery,
    @UploadedFile() file: UploadedImportFile | undefined,
  ): Promise<ImportReport> {
    if (!(importFormats as readonly string[]).includes(format)) {
      throw new DomainError('validation-error', `Format d'import inconnu : ${format}.`, { errors: [{ field: 'format', message: `valeurs possibles : ${importFormats.join(', ')}` }] });
    }
    if (!file) throw new DomainError('validation-error', 'Le fichier est requis (champ « file » multipart).', { errors: [{ field: 'file', message: 'fichier absent' }] });
    const encoding = file.originalname.toLowerCase().endsWith('.csv') ? 'csv' : file.originalname.toLowerCase().endsWith('.json') ? 'json' : undefined;
    return this.imports.import(file.buffer.toString('utf8'), {
      format: format as ImportFormat,
      ...(encoding ? { encoding } : {}),
      ...(query.network ? { networkId: query.network } : {}),
      dryRun: query.dryRun ?? false,
      importer: principal,
    });
  }

  @Public()
  @Get('exports/hsds')
  @ApiOperation({ summary: 'Tout l’annuaire au format Open Referral HSDS 3 (JSON)' })
  @ApiQuery({ name: 'network', required: false })
  @ApiOkResponse({ description: 'Une page HSDS (total_items, contents : services avec organisation, lieux, horaires)' })
  @ApiProblems(400)
  exportHsds(@Query() query: ExportQuery): Promise<HsdsPage> {
    return this.hsds.export(query.network ? { networkId: query.network } : {});
  }
}

