import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { IsOmittable } from '@relais/platform';
import { IsCommuneCode } from '../shared/validators';

export class CoordinatorInput {
  @ApiProperty({ example: 'Gaëlle Le Floch' }) @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'coordination@vannes.example' }) @IsOptional() @IsEmail() email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '02 97 00 00 00' }) @IsOptional() @IsString() @Length(6, 30) phone?: string | null;
}

export class SlaInput {
  @ApiPropertyOptional({ default: 2, description: 'Accusé de réception, en jours ouvrés' }) @IsOmittable() @IsInt() @Min(1) @Max(30) acknowledgeBusinessDays?: number;
  @ApiPropertyOptional({ default: 10, description: 'Premier contact, en jours ouvrés' }) @IsOmittable() @IsInt() @Min(1) @Max(90) firstContactBusinessDays?: number;
  @ApiPropertyOptional({ default: 30, description: 'Expiration sans accusé, en jours' }) @IsOmittable() @IsInt() @Min(1) @Max(365) expireAfterDays?: number;
}

export class CreateNetworkInput {
  @ApiPropertyOptional({ format: 'uuid', description: 'Identifiant imposé (reprise de données) ; généré sinon' }) @IsOmittable() @IsUUID() id?: string;
  @ApiProperty({ example: 'Pays de Vannes' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ type: [String], example: ['56260', '56206'], description: 'Codes INSEE des communes couvertes' })
  @IsArray()
  @ArrayMaxSize(2000)
  @IsCommuneCode({ each: true })
  communeCodes!: string[];
  @ApiPropertyOptional({ type: [CoordinatorInput] }) @IsOmittable() @IsArray() @ValidateNested({ each: true }) @Type(() => CoordinatorInput) coordinators?: CoordinatorInput[];
  @ApiPropertyOptional({ type: SlaInput }) @IsOmittable() @ValidateNested() @Type(() => SlaInput) sla?: SlaInput;
}

// Left out, a field stays as it is; null is checked like any value (only fields documented nullable take it).
export class UpdateNetworkInput extends PartialType(CreateNetworkInput, { skipNullProperties: false }) {}

export class SlaView {
  @ApiProperty() acknowledgeBusinessDays!: number;
  @ApiProperty() firstContactBusinessDays!: number;
  @ApiProperty() expireAfterDays!: number;
}

export class FreshnessView {
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastVerifiedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Qui a confirmé, jamais un nom : `user:<structure>` (une personne de cette structure), `user` (coordination, administration), `client` (un logiciel), ' +
      '`import:<format>` ou `seed`. Le compte (`user:<structure>:<sub>`, `client:<id>`) n’est montré qu’à l’administrateur, aux coordinateurs des réseaux de la fiche ' +
      'et aux comptes de la même structure, en réponse à leurs écritures.',
  })
  lastVerifiedBy!: string | null;
  @ApiProperty({ description: 'Vrai quand la fiche n’a pas été confirmée depuis plus que l’âge maximal configuré' }) stale!: boolean;
}

export class CoordinatorView {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
}

export class NetworkView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '56' }) department!: string;
  @ApiProperty({ type: [String] }) communeCodes!: string[];
  @ApiProperty({ type: [CoordinatorView] }) coordinators!: CoordinatorView[];
  @ApiProperty({ type: SlaView }) sla!: SlaView;
  @ApiProperty() version!: number;
  @ApiProperty({ type: FreshnessView }) freshness!: FreshnessView;
}

export class NetworkList {
  @ApiProperty({ type: [NetworkView] }) items!: NetworkView[];
}
