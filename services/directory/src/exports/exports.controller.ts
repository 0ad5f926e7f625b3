import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@relais/auth';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ApiProblems } from '../shared/problems';
import { DataInclusionExporter, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type DataInclusionPage } from './data-inclusion-export';
import { LmnExporter } from './lieux-mediation-numerique-export';

/**
 * Far beyond any directory (a million pages of at least one record), and small enough that the offset it
 * makes stays an exact integer: a page number of 1e307 is an integer to JavaScript, not to PostgreSQL.
 */
const MAX_PAGE = 1_000_000;

export class DataInclusionExportQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Seulement les fiches des structures de ce réseau local' })
  @IsOptional()
  @IsUUID()
  network?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1, description: 'Numéro de page, à partir de 1 (voir `pages` dans la réponse)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Nombre de fiches par page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  size?: number;
}

export class LmnExportQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Seulement les lieux des structures de ce réseau local' })
  @IsOptional()
  @IsUUID()
  network?: string;
}

/** A page as data·inclusion's API gives it: the import reads it back as it is. */
const pageSchema = (what: string, schema: string) => ({
  type: 'object',
  required: ['items', 'total', 'page', 'size', 'pages'],
  properties: {
    items: {
      type: 'array',
      items: { type: 'object', additionalProperties: true, description: `${what} au schéma data·inclusion v1 (${schema}, version 1.0.8)` },
    },
    total: { type: 'integer', description: 'Nombre de fiches en tout' },
    page: { type: 'integer', description: 'Numéro de cette page' },
    size: { type: 'integer', description: 'Fiches par page demandées' },
    pages: { type: 'integer', description: 'Nombre de pages' },
  },
});

const CACHE = 'public, max-age=300';
const cacheHeaders = {
  'Cache-Control': { description: CACHE, schema: { type: 'string' } },
  ETag: { description: 'Empreinte de la réponse : la renvoyer dans If-None-Match donne 304 si rien n’a changé', schema: { type: 'string' } },
};
const notModified = { status: 304, description: 'Rien n’a changé depuis l’ETag envoyé dans If-None-Match (corps vide)' };

/**
 * Public exports in the standards others read (docs/standards.md): what a département's partners and the
 * national platforms take from its directory. Public information only, read-only; Express computes the
 * ETag of each body and answers 304 to a matching If-None-Match.
 */
@ApiTags('imports et exports')
@Controller('v1/exports')
export class ExportsController {
  constructor(
    private readonly dataInclusion: DataInclusionExporter,
    private readonly lmn: LmnExporter,
  ) {}

  @Public()
  @Get('data-inclusion/structures')
  @Header('Cache-Control', CACHE)
  @ApiOperation({
    summary: 'Les structures de l’annuaire au schéma data·inclusion v1 (JSON, paginé)',
    description:
      'Une page `{ items, total, page, size, pages }` comme celles de l’API data·inclusion ; chaque structure est valide au schéma JSON officiel v1. ' +
      'Une fiche venue de data·inclusion garde sa `source` et son `id` ; une fiche créée dans Relais a `source: relais` et son UUID.',
    security: [],
  })
  @ApiOkResponse({ schema: pageSchema('Structure', 'structure.json'), headers: cacheHeaders })
  @ApiResponse(notModified)
  @ApiProblems(400)
  structures(@Query() query: DataInclusionExportQuery): Promise<DataInclusionPage> {
    return this.dataInclusion.structures(query);
  }

  @Public()
  @Get('data-inclusion/services')
  @Header('Cache-Control', CACHE)
  @ApiOperation({
    summary: 'Les services de l’annuaire au schéma data·inclusion v1 (JSON, paginé)',
    description:
      'Une page `{ items, total, page, size, pages }` ; chaque service est valide au schéma JSON officiel v1 et son `structure_id` est l’`id` de sa structure ' +
      'dans l’export des structures. Les services fermés ne sont pas exportés.',
    security: [],
  })
  @ApiOkResponse({ schema: pageSchema('Service', 'service.json'), headers: cacheHeaders })
  @ApiResponse(notModified)
  @ApiProblems(400)
  services(@Query() query: DataInclusionExportQuery): Promise<DataInclusionPage> {
    return this.dataInclusion.services(query);
  }

  @Public()
  @Get('lieux-mediation-numerique')
  @Header('Cache-Control', CACHE)
  @ApiOperation({
    summary: 'Les lieux de médiation numérique de l’annuaire au standard LMN (JSON)',
    description:
      'Un tableau de lieux au schéma des lieux de médiation numérique (ANCT), chacun vérifié par la bibliothèque officielle `@gouvfr-anct/lieux-de-mediation-numerique` ' +
      'avant d’être écrit : les lieux qui offrent au moins un service aux thématiques `numerique--`.',
    security: [],
  })
  @ApiOkResponse({
    schema: { type: 'array', items: { type: 'object', additionalProperties: true, description: 'Lieu au schéma des lieux de médiation numérique' } },
    headers: cacheHeaders,
  })
  @ApiResponse(notModified)
  @ApiProblems(400)
  lieuxMediationNumerique(@Query() query: LmnExportQuery): Promise<object[]> {
    return this.lmn.export(query.network ? { networkId: query.network } : {});
  }
}
