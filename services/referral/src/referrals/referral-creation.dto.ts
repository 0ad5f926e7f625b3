import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { thematiquesBeforeV1, thematiqueValues } from '@relais/contracts';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { PERSON_REF_PATTERN, PersonDetailsDto } from '../persons/person.dto';
import {
  consentMethods,
  consentScopes,
  consentSharedWith,
  urgencies,
  type ConsentMethod,
  type ConsentScope,
  type ConsentSharedWith,
  type Urgency,
} from '../referral-model/referral.entity';

// The body of `POST /v1/referrals` and its answer.

function unknownNeeds(value: unknown): string {
  const sent: unknown[] = Array.isArray(value) ? value : [value];
  return sent
    .filter((need) => typeof need !== 'string' || !(thematiqueValues as readonly string[]).includes(need))
    .map((need) => JSON.stringify(need))
    .join(', ');
}

/** Needs sent with the thématiques from before data·inclusion v1 (integrations built on them) become their v1 equivalents. */
function needsInV1(values: unknown[]): unknown[] {
  const mapped = values.flatMap((value): readonly unknown[] => {
    const after: readonly string[] | undefined = typeof value === 'string' && Object.hasOwn(thematiquesBeforeV1, value) ? thematiquesBeforeV1[value] : undefined;
    return after ?? [value];
  });
  return [...new Set(mapped)];
}

/**
 * The person a referral is for: a reference the caller's structure is linked to (details then optional,
 * and any sent update the registered ones), or the details of a person Relais registers on the spot.
 */
export class PersonDto extends PersonDetailsDto {
  @ApiPropertyOptional({
    description:
      'Référence émise par Relais (POST /v1/persons, ou une orientation précédente) d’une personne à laquelle votre structure est liée. Sans référence, la personne est enregistrée et la réponse donne sa référence.',
    example: 'p-k3v7q2m9x4t6b8n5c2w7r4y6za',
  })
  @IsOptional()
  @Matches(PERSON_REF_PATTERN, { message: 'reference doit être une référence de personne émise par Relais' })
  reference?: string;
}

export class ConsentDto {
  @ApiProperty({ enum: consentScopes, isArray: true, description: 'Ce que la personne accepte de partager avec le service destinataire' })
  @IsArray()
  @ArrayUnique()
  @IsIn(consentScopes, { each: true })
  scope!: ConsentScope[];

  @ApiProperty({ enum: consentMethods, description: 'Comment le consentement a été recueilli' })
  @IsIn(consentMethods)
  method!: ConsentMethod;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T10:00:00Z' })
  @IsISO8601({ strict: true })
  obtainedAt!: string;

  @ApiPropertyOptional({ format: 'date-time', description: "Fin de validité : après, le service destinataire ne voit plus les données personnelles" })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({ enum: consentSharedWith, default: 'receiver', description: 'Avec qui : le service destinataire seulement, ou aussi les services vers lesquels il réoriente' })
  @IsOptional()
  @IsIn(consentSharedWith)
  sharedWith?: ConsentSharedWith;
}

export class CreateReferralDto {
  @ApiProperty({ format: 'uuid', description: "Le service (offre) destinataire, tel que l'annuaire le publie" })
  @IsUUID()
  receivingServiceId!: string;

  @ApiProperty({ type: PersonDto })
  // ValidateNested passes a missing object: without this, a body with no person was a 500.
  @IsDefined()
  @ValidateNested()
  @Type(() => PersonDto)
  person!: PersonDto;

  @ApiProperty({ description: "Motif de l'orientation (texte libre, chiffré, effacé avec la personne)", example: 'Déclaration de revenus en ligne à faire avant la fin du mois' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @ApiProperty({
    type: [String],
    enum: thematiqueValues,
    description:
      'Besoins : thématiques data·inclusion v1 (`GET /api/directory/v1/vocabularies`). Une valeur d’avant la v1 est encore acceptée et remplacée par ses équivalents v1 (docs/standards.md).',
    example: ['numerique--acceder-a-des-services-en-ligne'],
  })
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? needsInV1(value) : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsIn(thematiqueValues, { each: true, message: ({ value }: ValidationArguments) => `needs : ${unknownNeeds(value)} inconnu(s) ; chaque besoin est une thématique data·inclusion v1 (GET /api/directory/v1/vocabularies)` })
  needs!: string[];

  @ApiProperty({ enum: urgencies })
  @IsIn(urgencies)
  urgency!: Urgency;

  @ApiPropertyOptional({ format: 'uuid', description: 'Le diagnostic de la personne, s’il y en a un' })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;

  @ApiProperty({ type: ConsentDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent!: ConsentDto;
}

export class CreatedReferralView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['requested'] }) status!: 'requested';
  @ApiProperty() personReference!: string;
  @ApiProperty({ format: 'uuid' }) receivingServiceId!: string;
  @ApiProperty({ format: 'date-time' }) acknowledgeDueAt!: string;
  @ApiProperty({ format: 'date-time' }) firstContactDueAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
