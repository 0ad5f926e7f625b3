import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '@relais/auth';
import { OpenDataService, referralsMonthlySchema, toCsv } from './open-data.service';

export class OpenDataRowView {
  @ApiProperty({ example: '2026-10' }) mois!: string;
  @ApiProperty({ example: 'Réseau inclusion numérique du pays de Vannes' }) reseau!: string;
  @ApiProperty({ example: '56260', description: 'Code INSEE ; vide pour le total du réseau' }) commune!: string;
  @ApiProperty({ example: 'orientations' }) indicateur!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null quand la cellule est secrète' }) valeur!: number | null;
  @ApiProperty() secret!: boolean;
}

/** Public and anonymous: the monthly aggregates published as open data (Licence Ouverte 2.0). */
@ApiTags('données ouvertes')
@Public()
@Controller('v1/open-data')
export class OpenDataController {
  constructor(private readonly openData: OpenDataService) {}

  @Get('referrals-monthly.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'inline; filename="relais-orientations-mensuelles.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Orientations et diagnostics par mois, réseau et commune (CSV, format long, secret statistique)', security: [] })
  @ApiOkResponse({ description: 'CSV : mois, reseau, commune, indicateur, valeur, secret', schema: { type: 'string' } })
  async csv(): Promise<string> {
    return toCsv(await this.openData.referralsMonthly());
  }

  @Get('referrals-monthly.json')
  @ApiOperation({ summary: 'Les mêmes lignes en JSON', security: [] })
  @ApiOkResponse({ type: [OpenDataRowView] })
  json(): Promise<OpenDataRowView[]> {
    return this.openData.referralsMonthly();
  }

  @Get('referrals-monthly.schema.json')
  @ApiOperation({ summary: 'La description du fichier (Table Schema), pour data.gouv.fr', security: [] })
  @ApiOkResponse({ description: 'Table Schema (Frictionless)', schema: { type: 'object' } })
  schema(): typeof referralsMonthlySchema {
    return referralsMonthlySchema;
  }
}
