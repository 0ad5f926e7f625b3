import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { serviceRoles } from '@relais/contracts';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

/** A calendar day; the service also checks that it exists (no 31 February). */
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class PeriodQuery {
  @ApiProperty({ description: 'Premier jour inclus (AAAA-MM-JJ, heure de Paris)', example: '2026-11-01' })
  @Matches(DATE, { message: 'doit être une date AAAA-MM-JJ' })
  from!: string;

  @ApiProperty({ description: 'Dernier jour inclus (AAAA-MM-JJ)', example: '2026-11-30' })
  @Matches(DATE, { message: 'doit être une date AAAA-MM-JJ' })
  to!: string;

  @ApiPropertyOptional({ description: 'Une structure destinataire (un agent ne voit que la sienne)', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  structure?: string;

  @ApiPropertyOptional({ description: 'Le rôle du service destinataire', enum: serviceRoles })
  @IsOptional()
  @IsIn(serviceRoles)
  role?: string;
}

export class FunnelQuery extends PeriodQuery {
  @ApiPropertyOptional({ description: 'La thématique de l’orientation (son premier besoin) ; ne se combine pas avec structure ni rôle', example: 'numerique--prendre-en-main-un-ordinateur' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,100}$/, { message: 'doit être un code de thématique' })
  thematique?: string;

  @ApiPropertyOptional({ description: 'Le réseau de la structure qui oriente ; ne se combine pas avec structure ni rôle', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  senderNetwork?: string;
}

export class DiagnosticQuery {
  @ApiProperty({ example: '2026-11-01' })
  @Matches(DATE, { message: 'doit être une date AAAA-MM-JJ' })
  from!: string;

  @ApiProperty({ example: '2026-11-30' })
  @Matches(DATE, { message: 'doit être une date AAAA-MM-JJ' })
  to!: string;

  @ApiPropertyOptional({ description: 'Une commune (code INSEE)', example: '56260' })
  @IsOptional()
  @Matches(/^(\d{5}|2[AB]\d{3})$/, { message: 'doit être un code INSEE de commune' })
  commune?: string;
}

export class CoverageQuery {
  @ApiProperty({ description: 'Début de la période de la demande', example: '2026-11-01' })
  @Matches(DATE, { message: 'doit être une date AAAA-MM-JJ' })
  from!: string;

  @ApiProperty({ example: '2026-11-30' })
  @Matches(DATE, { message: 'doit être une date AAAA-MM-JJ' })
  to!: string;

  @ApiPropertyOptional({ description: 'Un seul rôle (par défaut : tous)', enum: serviceRoles })
  @IsOptional()
  @IsIn(serviceRoles)
  role?: string;
}

const countDoc = { type: Number, nullable: true, description: 'null : moins de 5, masqué' } as const;

export class FunnelStages {
  @ApiProperty(countDoc) requested!: number | null;
  @ApiProperty(countDoc) received!: number | null;
  @ApiProperty(countDoc) accepted!: number | null;
  @ApiProperty({ ...countDoc, name: 'in-progress' }) 'in-progress'!: number | null;
  @ApiProperty(countDoc) completed!: number | null;
  @ApiProperty(countDoc) rejected!: number | null;
  @ApiProperty(countDoc) redirected!: number | null;
  @ApiProperty(countDoc) cancelled!: number | null;
  @ApiProperty(countDoc) expired!: number | null;
  @ApiProperty(countDoc) failed!: number | null;
}

export class FunnelView {
  @ApiProperty({ format: 'uuid' }) networkId!: string;
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-30' }) to!: string;
  @ApiProperty({ type: FunnelStages, description: 'Orientations ayant atteint chaque statut dans la période' }) stages!: FunnelStages;
}

export class DelayFigures {
  @ApiProperty(countDoc) count!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Médiane, en heures' }) p50Hours!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '9e décile, en heures' }) p90Hours!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Part dans le délai du réseau (0–1) ; null sans délai fixé' }) withinSlaShare!: number | null;
}

export class DelayMeasures {
  @ApiProperty({ type: DelayFigures, description: 'Jusqu’à l’accusé de réception' }) acknowledgement!: DelayFigures;
  @ApiProperty({ type: DelayFigures, description: 'Jusqu’à l’acceptation' }) acceptance!: DelayFigures;
  @ApiProperty({ type: DelayFigures, description: 'Jusqu’au premier contact (accompagnement commencé)' }) firstContact!: DelayFigures;
  @ApiProperty({ type: DelayFigures, description: 'Jusqu’à la fin de l’accompagnement' }) completion!: DelayFigures;
}

export class DelaysView {
  @ApiProperty({ format: 'uuid' }) networkId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: DelayMeasures }) measures!: DelayMeasures;
  @ApiProperty({ ...countDoc, description: 'Orientations en retard maintenant (accusé ou premier contact dû)' }) overdueNow!: number | null;
}

export class DropOffStep {
  @ApiProperty({ example: 'received' }) step!: string;
  @ApiProperty(countDoc) reached!: number | null;
  @ApiProperty(countDoc) left!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Sorties / atteintes' }) rate!: number | null;
}

export class StructureDropOff {
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty(countDoc) received!: number | null;
  @ApiProperty(countDoc) left!: number | null;
  @ApiProperty({ type: Number, nullable: true }) rate!: number | null;
}

export class ContinuityBreaks {
  @ApiProperty(countDoc) expired!: number | null;
  @ApiProperty(countDoc) failed!: number | null;
  @ApiProperty({ ...countDoc, name: 'redirect-not-picked-up' }) 'redirect-not-picked-up'!: number | null;
  @ApiProperty({ ...countDoc, name: 'next-step-not-referred' }) 'next-step-not-referred'!: number | null;
  @ApiProperty({ ...countDoc, name: 'rejected-without-follow-up' }) 'rejected-without-follow-up'!: number | null;
  @ApiProperty(countDoc) total!: number | null;
}

export class ContinuityView {
  @ApiProperty({ format: 'uuid' }) networkId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: ContinuityBreaks }) breaks!: ContinuityBreaks;
  @ApiProperty({ type: Number, nullable: true, description: 'Acceptées / (acceptées + refusées) dans la période ; null sur moins de 5 réponses' })
  acceptanceRate!: number | null;
  @ApiProperty({ type: [DropOffStep] }) dropOff!: DropOffStep[];
  @ApiProperty({ type: [StructureDropOff], description: 'Par structure destinataire' }) byStructure!: StructureDropOff[];
  @ApiProperty({ description: 'Autonomie gagnée à la fin des accompagnements (aucun, partiel, complet, non-renseigne)', additionalProperties: { type: 'number', nullable: true } })
  autonomy!: Record<string, number | null>;
  @ApiProperty({ description: 'Motifs de refus', additionalProperties: { type: 'number', nullable: true } })
  refusalReasons!: Record<string, number | null>;
}

export class StructureFigures {
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty(countDoc) received!: number | null;
  @ApiProperty(countDoc) accepted!: number | null;
  @ApiProperty(countDoc) rejected!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Acceptées / (acceptées + refusées)' }) acceptanceRate!: number | null;
  @ApiProperty({ type: Number, nullable: true }) acknowledgementP50Hours!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Créneaux par semaine déclarés (ses services du réseau)' }) openSlotsPerWeek!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Capacité déclarée rapportée à la période' }) capacityInPeriod!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Attente déclarée, en jours (la plus longue de ses services)' }) waitingDays!: number | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Reçues au-delà de la capacité déclarée ; null sans capacité déclarée' }) overCapacity!: boolean | null;
}

export class StructuresView {
  @ApiProperty({ format: 'uuid' }) networkId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [StructureFigures] }) structures!: StructureFigures[];
}

export class RoleCoverage {
  @ApiProperty({ enum: serviceRoles }) role!: string;
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'Distance au lieu le plus proche, en km' }) nearestKm!: number | null;
}

export class CommuneCoverage {
  @ApiProperty({ example: '56260' }) communeCode!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: [RoleCoverage] }) roles!: RoleCoverage[];
  @ApiProperty(countDoc) diagnostics!: number | null;
  @ApiProperty({ ...countDoc, description: 'Orientations envoyées depuis la commune (structure qui oriente)' }) referrals!: number | null;
}

export class CoverageView {
  @ApiProperty({ format: 'uuid' }) networkId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() radiusKm!: number;
  @ApiProperty({ type: [CommuneCoverage] }) communes!: CommuneCoverage[];
}

export class CommuneDiagnostic {
  @ApiProperty() communeCode!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty(countDoc) diagnostics!: number | null;
  @ApiProperty({ additionalProperties: { type: 'number', nullable: true } }) levels!: Record<string, number | null>;
}

export class DiagnosticView {
  @ApiProperty({ format: 'uuid' }) networkId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty(countDoc) diagnostics!: number | null;
  @ApiProperty({ additionalProperties: { type: 'number', nullable: true } }) levels!: Record<string, number | null>;
  @ApiProperty({ additionalProperties: { type: 'number', nullable: true } }) barriers!: Record<string, number | null>;
  @ApiProperty({ type: [CommuneDiagnostic] }) byCommune!: CommuneDiagnostic[];
}
