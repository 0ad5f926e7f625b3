import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { IsOmittable } from '@relais/platform';
import { FreshnessView } from '../networks/network.dto';
import { IsCommuneCode } from '../shared/validators';
import { labels, typologies, type Label, type Typology } from '../shared/vocabulary';

export class ContactInput {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'accueil@ccas-vannes.example' }) @IsOptional() @IsEmail() email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '02 97 01 65 00' }) @IsOptional() @IsString() @Length(6, 30) phone?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://www.mairie-vannes.fr' }) @IsOptional() @IsUrl({ require_protocol: true }) website?: string | null;
}

export class ReferentInput {
  @ApiProperty({ example: 'Maïwenn Caradec' }) @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: "Responsable de l'accueil" }) @IsOptional() @IsString() @Length(1, 200) role?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsEmail() email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @Length(6, 30) phone?: string | null;
}

export class CreateStructureInput {
  @ApiPropertyOptional({ format: 'uuid', description: 'Identifiant imposé (reprise de données) ; généré sinon' }) @IsOmittable() @IsUUID() id?: string;
  @ApiProperty({ example: 'CCAS de Vannes' }) @IsString() @Length(1, 300) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '21560260800018', description: 'SIRET (14 chiffres)' })
  @IsOptional()
  @Matches(/^\d{14}$/, { message: 'le SIRET compte 14 chiffres' })
  siret?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'W561234567', description: 'Numéro RNA des associations' })
  @IsOptional()
  @Matches(/^W[0-9A-Z]{9}$/, { message: 'le numéro RNA est W suivi de 9 caractères' })
  rna?: string | null;
  @ApiProperty({ enum: typologies, description: 'Typologie data·inclusion' }) @IsIn(typologies) typology!: Typology;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) @IsOptional() @IsUUID() parentStructureId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @Length(0, 5000) description?: string | null;
  @ApiPropertyOptional({ type: ContactInput }) @IsOmittable() @ValidateNested() @Type(() => ContactInput) contact?: ContactInput;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'orientations@ccas-vannes.example',
    description: 'Adresse (boîte fonctionnelle) où les orientations reçues sont envoyées par courriel, avec un lien d’action',
  })
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  referralEmail?: string | null;
  @ApiPropertyOptional({ type: [ReferentInput] }) @IsOmittable() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ReferentInput) referents?: ReferentInput[];
  @ApiPropertyOptional({ enum: labels, isArray: true }) @IsOmittable() @IsArray() @IsIn(labels, { each: true }) labels?: Label[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Réseaux locaux dont la structure est membre' })
  @IsArray()
  @ArrayMinSize(1)
  @IsUUID('all', { each: true })
  networkIds!: string[];
  @ApiPropertyOptional({ type: String, nullable: true, example: '56260' }) @IsOptional() @IsCommuneCode() communeCode?: string | null;
}

// Left out, a field stays as it is; null is checked like any value (only fields documented nullable take it).
export class UpdateStructureInput extends PartialType(CreateStructureInput, { skipNullProperties: false }) {}

export class ContactView {
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) website!: string | null;
}

export class ReferentView {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) role!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
}

export class StructureSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class StructureView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) siret!: string | null;
  @ApiProperty({ nullable: true, type: String }) rna!: string | null;
  @ApiProperty({ enum: typologies }) typology!: string;
  @ApiProperty() typologyLabel!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) parentStructureId!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: ContactView }) contact!: ContactView;
  @ApiProperty({ nullable: true, type: String, description: 'Adresse où les orientations reçues sont envoyées par courriel' }) referralEmail!: string | null;
  @ApiProperty({ enum: labels, isArray: true }) labels!: string[];
  @ApiProperty({ type: [String] }) networkIds!: string[];
  @ApiProperty({ nullable: true, type: String }) communeCode!: string | null;
  @ApiProperty() department!: string;
  @ApiProperty({ type: [StructureSummary], description: 'Ses lieux' }) lieux!: StructureSummary[];
  @ApiProperty({ type: [StructureSummary], description: 'Ses services (offres)' }) services!: StructureSummary[];
  @ApiProperty({ nullable: true, type: String, description: 'Source de la fiche importée (ex. data-inclusion)' }) source!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty({ type: FreshnessView }) freshness!: FreshnessView;
}

export class ReferentList {
  @ApiProperty({ type: [ReferentView] }) items!: ReferentView[];
}
