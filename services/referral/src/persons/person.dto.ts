import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsEmail, IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { contactPreferences, type ContactPreference } from '../referral-model/referral.entity';

/** The pseudonymous person reference of the event catalog (no name, no NIR: a stable opaque code). */
export const PERSON_REF_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** An agency's own file number for a person: letters, digits and a few separators, never shown to others. */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;

/** The direct identifiers of a person, as the structure that registers them gives them. */
export class PersonDetailsDto {
  @ApiPropertyOptional({ example: 'Jeanne' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  firstName?: string;

  @ApiPropertyOptional({ example: 'Le Goff' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  lastName?: string;

  @ApiPropertyOptional({ format: 'date', example: '1951-04-12', description: 'Date de naissance (AAAA-MM-JJ)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'birthDate doit être une date AAAA-MM-JJ' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate doit être une date AAAA-MM-JJ' })
  birthDate?: string;

  @ApiPropertyOptional({ example: '+33612345678', description: 'Numéro de téléphone (format international conseillé)' })
  @IsOptional()
  @Matches(/^\+?[0-9][0-9 .-]{5,19}$/, { message: 'phone doit être un numéro de téléphone' })
  phone?: string;

  @ApiPropertyOptional({ example: 'jeanne.legoff@example.org' })
  @IsOptional()
  @IsEmail({}, { message: 'email doit être une adresse électronique' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ enum: contactPreferences, description: 'Comment joindre la personne : téléphone, courriel, SMS, par le référent, ou ne pas la contacter' })
  @IsOptional()
  @IsIn(contactPreferences)
  contactPreference?: ContactPreference;

  @ApiPropertyOptional({
    example: 'CAF56-0042137',
    description:
      'Votre propre numéro de dossier pour cette personne. Le même numéro envoyé par la même structure désigne la même personne ; il n’est jamais montré aux autres structures.',
  })
  @IsOptional()
  @Matches(EXTERNAL_ID_PATTERN, { message: 'externalId : 1 à 100 caractères parmi lettres, chiffres et . _ : / -' })
  externalId?: string;
}

/** Registering a person needs at least their name: a receiver must know whom to expect. */
export class RegisterPersonDto extends OmitType(PersonDetailsDto, ['firstName', 'lastName'] as const) {
  @ApiProperty({ example: 'Jeanne' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  firstName!: string;

  @ApiProperty({ example: 'Le Goff' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  lastName!: string;
}

export class PersonRecordView {
  @ApiProperty({ description: 'Référence de la personne, émise par Relais (opaque, aléatoire)', example: 'p-k3v7q2m9x4t6b8n5c2w7r4y6za' })
  reference!: string;
  @ApiProperty({ type: String, nullable: true }) firstName!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) birthDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ enum: contactPreferences }) contactPreference!: ContactPreference;
  @ApiProperty({ type: String, nullable: true, description: 'Votre numéro de dossier pour cette personne (jamais celui d’une autre structure)' })
  externalId!: string | null;
  @ApiProperty({ enum: ['registered', 'referral-sent', 'referral-received', 'assessment'], description: 'Comment votre structure est liée à la personne' })
  linkedVia!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
