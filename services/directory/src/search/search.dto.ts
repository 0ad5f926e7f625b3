import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { booleanFromQuery, listFromQuery } from '@relais/platform';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Max, Min, Validate, type ValidationArguments, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { CapacityView } from '../offers/offer.dto';
import { IsCommuneCode, IsLanguageCode, unknownValues } from '../shared/validators';
import { modalities, publics, roles, thematiqueFilterValues, type Modality, type Public, type ServiceRole } from '../shared/vocabulary';

@ValidatorConstraint({ name: 'isOpenAt' })
class IsOpenAt implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && (value === 'now' || (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))));
  }
  defaultMessage(args: ValidationArguments): string {
    return `openAt « ${String(args.value)} » : attendu « now » ou une date-heure ISO 8601 (ex. 2026-11-24T10:30:00+01:00)`;
  }
}

/** The public search contract: these names and values are frozen (see docs/directory.md). */
export class SearchQuery {
  @ApiPropertyOptional({ enum: roles, isArray: true, description: 'Rôle(s) du service ; plusieurs valeurs : l’un ou l’autre' })
  @IsOptional()
  @Transform(listFromQuery)
  @ArrayMaxSize(10)
  @IsIn(roles, { each: true, message: `role : valeur inconnue ; valeurs possibles : ${roles.join(', ')}` })
  role?: ServiceRole[];

  @ApiPropertyOptional({ enum: thematiqueFilterValues, isArray: true, description: 'Thématique(s) data·inclusion v1 ; une catégorie (numerique, famille…) vaut toutes ses thématiques (GET /v1/vocabularies)' })
  @IsOptional()
  @Transform(listFromQuery)
  @ArrayMaxSize(20)
  @IsIn(thematiqueFilterValues, { each: true, message: unknownValues('thematique', thematiqueFilterValues, 'thematiques') })
  thematique?: string[];

  @ApiPropertyOptional({ example: '56260', description: 'Code INSEE de la commune de la personne : trie par distance' })
  @IsOptional()
  @IsCommuneCode()
  commune?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20, description: 'Rayon autour de la commune, en km (avec commune)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(200)
  radiusKm?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Réseau local dont la structure est membre' })
  @IsOptional()
  @IsUUID()
  network?: string;

  @ApiPropertyOptional({ example: 'now', description: '« now » ou une date-heure ISO 8601 : un lieu du service est ouvert à ce moment (heure de Paris)' })
  @IsOptional()
  @IsString()
  @Validate(IsOpenAt)
  openAt?: string;

  @ApiPropertyOptional({ enum: modalities, isArray: true })
  @IsOptional()
  @Transform(listFromQuery)
  @IsIn(modalities, { each: true, message: `modality : valeur inconnue ; valeurs possibles : ${modalities.join(', ')}` })
  modality?: Modality[];

  @ApiPropertyOptional({ enum: publics, isArray: true, description: 'Public(s) ; les services « tous-publics » conviennent toujours' })
  @IsOptional()
  @Transform(listFromQuery)
  @IsIn(publics, { each: true, message: `public : valeur inconnue ; valeurs possibles : ${publics.join(', ')}` })
  public?: Public[];

  @ApiPropertyOptional({ type: [String], example: ['ar'], description: 'Langue(s) parlée(s), codes ISO 639' })
  @IsOptional()
  @Transform(listFromQuery)
  @ArrayMaxSize(10)
  @IsLanguageCode({ each: true })
  language?: string[];

  @ApiPropertyOptional({ type: Boolean, description: 'Seulement les services qui reçoivent les orientations par Relais' })
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean({ message: 'acceptsReferrals doit valoir true ou false' })
  acceptsReferrals?: boolean;

  @ApiPropertyOptional({ example: 'caf démarches', description: 'Texte libre, en français, sans tenir compte des accents' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ description: 'Curseur opaque rendu par la page précédente (nextCursor)' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class MatchReason {
  @ApiProperty({ example: 'commune', description: 'Le paramètre (ou « capacity ») auquel la raison se rapporte' }) parameter!: string;
  @ApiProperty({ example: 'à 3,2 km de Vannes' }) explanation!: string;
}

export class NearestLieuView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() communeCode!: string;
  @ApiProperty({ nullable: true, type: String }) communeName!: string | null;
  @ApiProperty({ nullable: true, type: String }) street!: string | null;
}

export class SearchResult {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() structureName!: string;
  @ApiProperty({ enum: roles, isArray: true }) roles!: string[];
  @ApiProperty({ type: [String] }) thematiques!: string[];
  @ApiProperty({ type: [String] }) modalities!: string[];
  @ApiProperty() acceptsRelaisReferrals!: boolean;
  @ApiPropertyOptional({ type: Number, description: 'Distance du lieu le plus proche, en km (quand commune est donné)' }) distanceKm?: number | null;
  @ApiProperty({ nullable: true, type: NearestLieuView }) nearestLieu!: NearestLieuView | null;
  @ApiProperty({ type: CapacityView }) capacity!: CapacityView;
  @ApiProperty({ description: 'Vrai quand la fiche doit être revérifiée' }) stale!: boolean;
  @ApiProperty({ type: [MatchReason], description: 'Pourquoi ce service est dans les résultats, et à quel rang' }) why!: MatchReason[];
}

export class SearchPage {
  @ApiProperty({ type: [SearchResult] }) items!: SearchResult[];
  @ApiProperty({ nullable: true, type: String, description: 'À passer en cursor pour la page suivante ; null en fin de liste' }) nextCursor!: string | null;
}
