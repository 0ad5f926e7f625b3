import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { referralStatuses, type ReferralStatus } from '@relais/contracts';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PersonDetailsDto } from '../persons/person.dto';
import { allReasonCodes } from './reason-codes';
import {
  autonomyGains,
  consentMethods,
  consentScopes,
  consentSharedWith,
  contactPreferences,
  urgencies,
  type AutonomyGain,
  type ConsentMethod,
  type ConsentScope,
  type ConsentSharedWith,
  type ContactPreference,
  type Urgency,
} from './referral.entity';

/** The pseudonymous person reference of the event catalog (no name, no NIR: a stable opaque code). */
export const PERSON_REF_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const CODE_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

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
  @ValidateNested()
  @Type(() => PersonDto)
  person!: PersonDto;

  @ApiProperty({ description: "Motif de l'orientation (texte libre, chiffré, effacé avec la personne)", example: 'Déclaration de revenus en ligne à faire avant la fin du mois' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @ApiProperty({ type: [String], description: 'Besoins (thématiques de l’annuaire)', example: ['numerique--demarches-administratives'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(CODE_PATTERN, { each: true, message: 'chaque besoin doit être un code de thématique (minuscules, chiffres, tirets)' })
  @MaxLength(100, { each: true })
  needs!: string[];

  @ApiProperty({ enum: urgencies })
  @IsIn(urgencies)
  urgency!: Urgency;

  @ApiPropertyOptional({ format: 'uuid', description: 'Le diagnostic de la personne, s’il y en a un' })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;

  @ApiProperty({ type: ConsentDto })
  @ValidateNested()
  @Type(() => ConsentDto)
  consent!: ConsentDto;
}

export class OutcomeDto {
  @ApiPropertyOptional({ description: 'Ce qui a été fait (texte libre, chiffré, jamais publié dans les événements)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  summary?: string;

  @ApiPropertyOptional({ enum: autonomyGains, description: "Autonomie gagnée" })
  @IsOptional()
  @IsIn(autonomyGains)
  autonomyGained?: AutonomyGain;

  @ApiPropertyOptional({ description: 'Étape suivante proposée : un rôle (formation, accompagnement…) ou un code de thématique', example: 'formation' })
  @IsOptional()
  @Matches(CODE_PATTERN, { message: 'nextStep doit être un code (rôle ou thématique)' })
  @MaxLength(100)
  nextStep?: string;
}

export class TransitionDto {
  @ApiProperty({ enum: referralStatuses, description: 'Le statut visé' })
  @IsIn(referralStatuses)
  status!: ReferralStatus;

  @ApiPropertyOptional({ enum: allReasonCodes, description: 'Motif (obligatoire pour rejected et failed ; listes dans docs/referral.md)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reasonCode?: string;

  @ApiPropertyOptional({ description: 'Commentaire (texte libre, chiffré, effacé avec la personne)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Pour redirected : le nouveau service destinataire' })
  @IsOptional()
  @IsUUID()
  redirectToServiceId?: string;

  @ApiPropertyOptional({ type: OutcomeDto, description: 'Pour completed : le résultat, que la structure d’origine voit' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OutcomeDto)
  outcome?: OutcomeDto;
}

export const boxes = ['received', 'sent', 'network'] as const;
export type Box = (typeof boxes)[number];

const toList = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value);
const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class ListReferralsQuery {
  @ApiPropertyOptional({ enum: boxes, description: 'received : la boîte de réception de la structure ; sent : son suivi des envois ; network : les orientations de ses réseaux (coordination). Par défaut received pour une structure, network sinon.' })
  @IsOptional()
  @IsIn(boxes)
  box?: Box;

  @ApiPropertyOptional({ description: 'Un ou plusieurs statuts séparés par des virgules', example: 'requested,received' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @IsIn(referralStatuses, { each: true })
  status?: ReferralStatus[];

  @ApiPropertyOptional({ description: 'true : seulement les orientations en retard (accusé de réception ou premier contact au-delà du délai)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Curseur opaque de la page suivante (nextCursor de la page précédente)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

// ---- Responses -----------------------------------------------------------------------------------

export class CreatedReferralView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['requested'] }) status!: 'requested';
  @ApiProperty() personReference!: string;
  @ApiProperty({ format: 'uuid' }) receivingServiceId!: string;
  @ApiProperty({ format: 'date-time' }) acknowledgeDueAt!: string;
  @ApiProperty({ format: 'date-time' }) firstContactDueAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PersonView {
  @ApiProperty() reference!: string;
  @ApiProperty({ enum: contactPreferences }) contactPreference!: ContactPreference;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Absent si le consentement ne le partage pas, a été retiré, ou si la personne a été effacée' })
  firstName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) phone?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) email?: string | null;
}

export class ConsentView {
  @ApiProperty({ enum: consentScopes, isArray: true }) scope!: ConsentScope[];
  @ApiProperty({ enum: consentMethods }) method!: ConsentMethod;
  @ApiProperty({ enum: consentSharedWith }) sharedWith!: ConsentSharedWith;
  @ApiProperty({ format: 'date-time' }) obtainedAt!: string;
  @ApiProperty({ description: 'Le compte qui a enregistré le consentement (tiré du jeton, jamais du corps de la requête)' }) obtainedBy!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ description: 'Le consentement tient (ni retiré, ni échu)' }) active!: boolean;
}

export class ActorView {
  @ApiProperty({ enum: ['sender', 'receiver', 'coordinator', 'system'] }) party!: string;
  @ApiProperty({ enum: ['agent', 'integration', 'coordinator', 'admin', 'system'] }) role!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) structureId!: string | null;
  @ApiProperty({ description: 'Identifiant technique du compte, jamais un nom' }) subject!: string;
}

export class TransitionView {
  @ApiProperty({ enum: referralStatuses }) from!: ReferralStatus;
  @ApiProperty({ enum: referralStatuses }) to!: ReferralStatus;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: ActorView }) by!: ActorView;
  @ApiProperty({ type: String, nullable: true }) reasonCode!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Visible des deux structures seulement' }) comment?: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) redirectedToReferralId!: string | null;
}

export class OutcomeView {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Visible des deux structures seulement' }) summary?: string | null;
  @ApiProperty({ enum: autonomyGains, nullable: true }) autonomyGained!: AutonomyGain | null;
  @ApiProperty({ type: String, nullable: true }) nextStep!: string | null;
}

export class DeadlinesView {
  @ApiProperty({ format: 'date-time' }) acknowledgeDueAt!: string;
  @ApiProperty({ format: 'date-time' }) firstContactDueAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstContactAt!: string | null;
  @ApiProperty({ description: 'Accusé de réception ou premier contact au-delà du délai' }) overdue!: boolean;
}

export class ReferralSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() personReference!: string;
  @ApiProperty({ enum: referralStatuses }) status!: ReferralStatus;
  @ApiProperty({ enum: urgencies }) urgency!: Urgency;
  @ApiProperty({ type: [String] }) needs!: string[];
  @ApiProperty({ format: 'uuid' }) sendingStructureId!: string;
  @ApiProperty({ format: 'uuid' }) receivingServiceId!: string;
  @ApiProperty({ format: 'uuid' }) receivingStructureId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) networkId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) previousReferralId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) statusChangedAt!: string;
  @ApiProperty({ type: DeadlinesView }) deadlines!: DeadlinesView;
  @ApiProperty({ description: 'La personne a été effacée : ses données personnelles n’existent plus' }) personErased!: boolean;
}

export class ReferralDetailView extends ReferralSummaryView {
  @ApiProperty({ enum: ['full', 'pseudonymous'], description: 'pseudonymous : vue de coordination, sans identifiant direct ni texte libre' }) view!: 'full' | 'pseudonymous';
  @ApiProperty({ type: PersonView }) person!: PersonView;
  @ApiPropertyOptional({ type: String, nullable: true }) reason?: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assessmentId!: string | null;
  @ApiProperty({ type: ConsentView }) consent!: ConsentView;
  @ApiProperty({ type: OutcomeView, nullable: true }) outcome!: OutcomeView | null;
  @ApiProperty({ type: [TransitionView], description: 'Chaque transition : qui, quand, pourquoi' }) history!: TransitionView[];
  @ApiProperty({ enum: referralStatuses, isArray: true, description: "Statuts où l'appelant peut faire passer l'orientation" }) allowedTransitions!: ReferralStatus[];
}

export class ReferralPageView {
  @ApiProperty({ type: [ReferralSummaryView] }) items!: ReferralSummaryView[];
  @ApiProperty({ type: String, nullable: true, description: 'À passer en `cursor` pour la page suivante ; null en fin de liste' }) nextCursor!: string | null;
}
