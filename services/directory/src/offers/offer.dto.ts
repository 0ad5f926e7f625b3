import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsOmittable } from '@relais/platform';
import { LieuView } from '../lieux/lieu.dto';
import { FreshnessView } from '../networks/network.dto';
import { IsLanguageCode, unknownValues } from '../shared/validators';
import {
  accessibilityFeatures,
  fees,
  modalities,
  publics,
  referralMethodKinds,
  roles,
  serviceStatusValues,
  thematiques,
  type AccessibilityFeature,
  type Fee,
  type Modality,
  type Public,
  type ReferralMethodKind,
  type ServiceRole,
  type ServiceStatus,
  type Thematique,
} from '../shared/vocabulary';

export class ReferralMethodInput {
  @ApiProperty({ enum: referralMethodKinds, description: 'relais : par la plateforme (suivi) ; sinon le canal de la structure' })
  @IsIn(referralMethodKinds)
  kind!: ReferralMethodKind;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Adresse, numéro ou lien (absent pour relais)' })
  @ValidateIf((o: ReferralMethodInput) => o.kind !== 'relais')
  @IsString()
  @Length(3, 500)
  value?: string | null;
}

export class CapacityInput {
  @ApiProperty({ nullable: true, type: Number, description: 'Places ouvertes cette semaine (0 : complet, null : inconnu)' })
  @ValidateIf((o: CapacityInput) => o.openSlotsPerWeek !== null)
  @IsInt()
  @Min(0)
  @Max(10_000)
  openSlotsPerWeek!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Délai d’attente actuel en jours' })
  @ValidateIf((o: CapacityInput) => o.waitingDays !== null)
  @IsInt()
  @Min(0)
  @Max(365)
  waitingDays!: number | null;
}

export class StatusInput {
  @ApiProperty({ enum: serviceStatusValues }) @IsIn(serviceStatusValues) status!: ServiceStatus;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date', description: 'Obligatoire pour suspended : date de reprise' })
  @ValidateIf((o: StatusInput) => o.status === 'suspended' || (o.suspendedUntil !== undefined && o.suspendedUntil !== null))
  @IsISO8601({ strict: true }, { message: 'suspendedUntil doit être une date AAAA-MM-JJ (obligatoire pour une suspension)' })
  suspendedUntil?: string | null;
}

export class CreateServiceInput {
  @ApiPropertyOptional({ format: 'uuid', description: 'Identifiant imposé (reprise de données) ; généré sinon' }) @IsOmittable() @IsUUID() id?: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() structureId!: string;
  @ApiProperty({ example: 'Accompagnement aux démarches en ligne' }) @IsString() @Length(1, 300) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @Length(0, 5000) description?: string | null;
  @ApiProperty({ enum: roles, isArray: true, description: 'faire-a-la-place : seulement avec l’habilitation Aidants Connect' })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(roles, { each: true })
  roles!: ServiceRole[];
  @ApiPropertyOptional({ enum: thematiques, isArray: true }) @IsOmittable() @IsArray() @IsIn(thematiques, { each: true, message: unknownValues('thematiques', thematiques) }) thematiques?: Thematique[];
  @ApiPropertyOptional({ enum: publics, isArray: true, default: ['tous-publics'] }) @IsOmittable() @IsArray() @IsIn(publics, { each: true, message: unknownValues('publics', publics) }) publics?: Public[];
  @ApiPropertyOptional({ type: [String], default: ['fr'], description: 'Codes ISO 639' }) @IsOmittable() @IsArray() @ArrayMaxSize(30) @IsLanguageCode({ each: true }) languages?: string[];
  @ApiPropertyOptional({ enum: accessibilityFeatures, isArray: true }) @IsOmittable() @IsArray() @IsIn(accessibilityFeatures, { each: true }) accessibilityFeatures?: AccessibilityFeature[];
  @ApiPropertyOptional({ enum: modalities, isArray: true, default: ['sur-place'] }) @IsOmittable() @IsArray() @ArrayMinSize(1) @IsIn(modalities, { each: true }) modalities?: Modality[];
  @ApiPropertyOptional({ enum: fees, isArray: true }) @IsOmittable() @IsArray() @IsIn(fees, { each: true, message: unknownValues('fees', fees, 'frais') }) fees?: Fee[];
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @Length(0, 1000) feesDetails?: string | null;
  @ApiPropertyOptional({ type: [ReferralMethodInput] }) @IsOmittable() @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => ReferralMethodInput) referralMethods?: ReferralMethodInput[];
  @ApiPropertyOptional({ default: false, description: 'Reçoit les orientations envoyées par Relais' }) @IsOmittable() @IsBoolean() acceptsRelaisReferrals?: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'orientations.ateliers@mediatheque-vannes.example',
    description: 'Adresse où les orientations vers ce service sont envoyées par courriel ; absente : celle de la structure',
  })
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  referralEmail?: string | null;
  @ApiPropertyOptional({ enum: serviceStatusValues, default: 'active' }) @IsOmittable() @IsIn(serviceStatusValues) status?: ServiceStatus;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' })
  @ValidateIf((o: CreateServiceInput) => o.status === 'suspended' || (o.suspendedUntil !== undefined && o.suspendedUntil !== null))
  @IsISO8601({ strict: true }, { message: 'suspendedUntil doit être une date AAAA-MM-JJ (obligatoire pour une suspension)' })
  suspendedUntil?: string | null;
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Lieux où le service est rendu' }) @IsOmittable() @IsArray() @ArrayMaxSize(50) @IsUUID('all', { each: true }) lieuIds?: string[];
  @ApiPropertyOptional({ type: CapacityInput }) @IsOmittable() @ValidateNested() @Type(() => CapacityInput) capacity?: CapacityInput;
}

// Left out, a field stays as it is; null is checked like any value (only fields documented nullable take it).
export class UpdateServiceInput extends PartialType(OmitType(CreateServiceInput, ['id', 'structureId'] as const), { skipNullProperties: false }) {}

export class CapacityView {
  @ApiProperty({ nullable: true, type: Number }) openSlotsPerWeek!: number | null;
  @ApiProperty({ nullable: true, type: Number }) waitingDays!: number | null;
  @ApiProperty({ description: 'Aucune place cette semaine : le service reste visible mais passe en dernier' }) full!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) updatedAt!: string | null;
}

export class ReferralMethodView {
  @ApiProperty({ enum: referralMethodKinds }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) value!: string | null;
}

export class ServiceStructureView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() typology!: string;
  @ApiProperty({ type: [String] }) labels!: string[];
}

export class ServiceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty({ type: ServiceStructureView }) structure!: ServiceStructureView;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: roles, isArray: true }) roles!: string[];
  @ApiProperty({ enum: thematiques, isArray: true }) thematiques!: string[];
  @ApiProperty({ enum: publics, isArray: true }) publics!: string[];
  @ApiProperty({ type: [String] }) languages!: string[];
  @ApiProperty({ enum: accessibilityFeatures, isArray: true }) accessibilityFeatures!: string[];
  @ApiProperty({ enum: modalities, isArray: true }) modalities!: string[];
  @ApiProperty({ enum: fees, isArray: true }) fees!: string[];
  @ApiProperty({ nullable: true, type: String }) feesDetails!: string | null;
  @ApiProperty({ type: [ReferralMethodView] }) referralMethods!: ReferralMethodView[];
  @ApiProperty() acceptsRelaisReferrals!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Adresse où les orientations vers ce service sont envoyées ; null : celle de la structure' }) referralEmail!: string | null;
  @ApiProperty({ enum: serviceStatusValues }) status!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) suspendedUntil!: string | null;
  @ApiProperty({ type: CapacityView }) capacity!: CapacityView;
  @ApiProperty({ type: [String] }) networkIds!: string[];
  @ApiProperty({ type: [LieuView] }) lieux!: LieuView[];
  @ApiProperty({ nullable: true, type: String }) source!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty({ type: FreshnessView }) freshness!: FreshnessView;
}
