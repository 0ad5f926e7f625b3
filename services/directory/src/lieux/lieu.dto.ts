import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsLatitude, IsLongitude, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { IsOmittable } from '@relais/platform';
import { FreshnessView } from '../networks/network.dto';
import { IsCommuneCode, IsOpeningHours } from '../shared/validators';

export class AccessibilityInput {
  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'Accessible en fauteuil roulant' }) @IsOptional() @IsBoolean() wheelchair?: boolean | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Fiche acceslibre.beta.gouv.fr' }) @IsOptional() @IsUrl({ require_protocol: true }) acceslibreUrl?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @Length(0, 2000) details?: string | null;
}

export class CreateLieuInput {
  @ApiPropertyOptional({ format: 'uuid', description: 'Identifiant imposé (reprise de données) ; généré sinon' }) @IsOmittable() @IsUUID() id?: string;
  @ApiProperty({ format: 'uuid', description: 'Structure qui gère le lieu' }) @IsUUID() structureId!: string;
  @ApiProperty({ example: 'Maison des associations' }) @IsString() @Length(1, 300) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '6 rue de la Tannerie' }) @IsOptional() @IsString() @Length(1, 300) street?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '56000' }) @IsOptional() @Matches(/^\d{5}$/, { message: 'le code postal compte 5 chiffres' }) postalCode?: string | null;
  @ApiProperty({ example: '56260', description: 'Code INSEE de la commune' }) @IsCommuneCode() communeCode!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 47.6559 }) @ValidateIf((o: CreateLieuInput) => o.longitude != null || o.latitude != null) @IsLatitude() latitude?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: -2.7603 }) @ValidateIf((o: CreateLieuInput) => o.longitude != null || o.latitude != null) @IsLongitude() longitude?: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Mo-Fr 09:00-12:00,14:00-17:00; PH off', description: 'Syntaxe OpenStreetMap opening_hours' })
  @IsOptional()
  @IsOpeningHours()
  openingHours?: string | null;
  @ApiPropertyOptional({ type: AccessibilityInput }) @IsOmittable() @ValidateNested() @Type(() => AccessibilityInput) accessibility?: AccessibilityInput;
}

// Left out, a field stays as it is; null is checked like any value (only fields documented nullable take it).
export class UpdateLieuInput extends PartialType(OmitType(CreateLieuInput, ['id', 'structureId'] as const), { skipNullProperties: false }) {}

export class OpeningHoursInput {
  @ApiProperty({ nullable: true, type: String, example: 'Mo-Fr 09:00-12:00; We 14:00-17:00; PH off', description: 'Syntaxe OpenStreetMap opening_hours ; null efface' })
  @ValidateIf((o: OpeningHoursInput) => o.openingHours !== null)
  @IsOpeningHours()
  openingHours!: string | null;
}

export class AccessibilityView {
  @ApiProperty({ nullable: true, type: Boolean }) wheelchair!: boolean | null;
  @ApiProperty({ nullable: true, type: String }) acceslibreUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) details!: string | null;
}

export class WeeklyIntervalView {
  @ApiProperty({ example: 'lundi 09:00' }) opens!: string;
  @ApiProperty({ example: 'lundi 12:00' }) closes!: string;
}

export class LieuView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) street!: string | null;
  @ApiProperty({ nullable: true, type: String }) postalCode!: string | null;
  @ApiProperty() communeCode!: string;
  @ApiProperty({ nullable: true, type: String }) communeName!: string | null;
  @ApiProperty({ nullable: true, type: Number }) latitude!: number | null;
  @ApiProperty({ nullable: true, type: Number }) longitude!: number | null;
  @ApiProperty({ nullable: true, type: String }) openingHours!: string | null;
  @ApiProperty({ type: [String], description: 'Avertissements du lecteur d’horaires (syntaxe acceptée mais douteuse)' }) openingHoursWarnings!: string[];
  @ApiProperty({ type: [WeeklyIntervalView], description: 'Ouvertures des sept prochains jours, heure de Paris' }) weeklyHours!: WeeklyIntervalView[];
  @ApiProperty({ type: AccessibilityView }) accessibility!: AccessibilityView;
  @ApiProperty() version!: number;
  @ApiProperty({ type: FreshnessView }) freshness!: FreshnessView;
}
