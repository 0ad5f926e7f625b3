import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { autonomyLevels, barriers, serviceRoles } from '@relais/contracts';
import { coopAutonomyValues, type AutonomyLevel, type Barrier, type CoopAutonomy, type ServiceRole } from '../rules/rules.types';

export class DomainView {
  @ApiProperty({ example: 'demarches-en-ligne' }) id!: string;
  @ApiProperty({ example: 'Formulaires en ligne, mots de passe et FranceConnect' }) label!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) score!: number;
  @ApiProperty() weight!: number;
}

export class AutonomyView {
  @ApiProperty({ enum: autonomyLevels, description: 'Échelle en quatre niveaux : a-faire-pour < debutant < partiellement-autonome < autonome' })
  level!: AutonomyLevel;
  @ApiProperty({ example: 'débutant' }) label!: string;
  @ApiProperty({ enum: autonomyLevels, isArray: true, description: 'L’échelle, du moins au plus autonome' }) scale!: AutonomyLevel[];
  @ApiProperty({
    enum: coopAutonomyValues,
    description: 'Le champ « autonomie » en trois niveaux des comptes rendus des conseillers numériques (La Coop de la médiation numérique)',
  })
  coopAutonomy!: CoopAutonomy;
  @ApiProperty({ minimum: 0, maximum: 100 }) score!: number;
  @ApiProperty({ type: [DomainView], description: 'Les domaines de compétences sur lesquels repose le niveau' }) domains!: DomainView[];
  @ApiProperty({ type: [String], description: 'Comment le niveau a été obtenu' }) explanation!: string[];
}

export class BarrierView {
  @ApiProperty({ enum: barriers }) barrier!: Barrier;
  @ApiProperty() label!: string;
  @ApiProperty() reason!: string;
}

export class ProcedureView {
  @ApiProperty({ example: 'impots' }) procedure!: string;
  @ApiProperty({ example: 'impôts' }) label!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) deadline!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Jours restants le jour du diagnostic (négatif : dépassée)' }) daysLeft!: number | null;
  @ApiProperty() urgent!: boolean;
}

export class RecommendedRoleView {
  @ApiProperty({ enum: serviceRoles }) role!: ServiceRole;
  @ApiProperty() label!: string;
  @ApiProperty({ description: '1 : à faire en premier' }) rank!: number;
  @ApiProperty({ description: 'Pourquoi, en français simple' }) reason!: string;
  @ApiProperty({ description: 'Règle qui a produit cette recommandation' }) ruleId!: string;
}

export class CandidateLieuView {
  @ApiProperty({ format: 'uuid' }) lieuId!: string;
  @ApiProperty({ example: '56127' }) communeCode!: string;
}

export class CandidateView {
  @ApiProperty() rank!: number;
  @ApiProperty({ format: 'uuid' }) serviceId!: string;
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty() serviceName!: string;
  @ApiProperty({ type: String, nullable: true }) structureName!: string | null;
  @ApiProperty({ enum: serviceRoles, description: 'Le rôle recommandé auquel ce service répond' }) role!: ServiceRole;
  @ApiProperty() score!: number;
  @ApiProperty({ type: Number, nullable: true }) distanceKm!: number | null;
  @ApiProperty({ type: CandidateLieuView, nullable: true }) lieu!: CandidateLieuView | null;
  @ApiProperty({ type: [String] }) networkIds!: string[];
  @ApiProperty() inPersonNetwork!: boolean;
  @ApiProperty({ type: [String] }) modalities!: string[];
  @ApiProperty({ type: Number, nullable: true }) openSlotsPerWeek!: number | null;
  @ApiProperty({ type: Number, nullable: true }) waitingDays!: number | null;
  @ApiProperty() acceptsRelaisReferrals!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Prochaine ouverture (heure de Paris), si dans les 48 h' }) nextOpening!: string | null;
  @ApiProperty({ type: [String], description: 'Pourquoi ce service est proposé, le plus important d’abord' }) reasons!: string[];
}

export class AssessmentView {
  @ApiProperty({ format: 'uuid' }) assessmentId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Référence pseudonyme ; masquée (null) pour les coordinateurs' }) personRef!: string | null;
  @ApiProperty({ description: 'Vrai quand la lecture est pseudonymisée (coordination) : ni référence de personne, ni réponses' }) pseudonymized!: boolean;
  @ApiProperty({ format: 'uuid', description: 'Structure qui a fait le diagnostic' }) structureId!: string;
  @ApiProperty({ example: '56165' }) communeCode!: string;
  @ApiProperty({ type: String, nullable: true }) communeName!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Réseau local de la commune' }) networkId!: string | null;
  @ApiProperty({ example: '1' }) questionnaireVersion!: string;
  @ApiProperty({ description: 'Empreinte du contenu de la version du questionnaire' }) questionnaireHash!: string;
  @ApiProperty({ example: '1' }) rulesVersion!: string;
  @ApiProperty({ format: 'date-time' }) completedAt!: string;
  @ApiProperty({ type: AutonomyView }) autonomy!: AutonomyView;
  @ApiProperty({ type: [BarrierView] }) barriers!: BarrierView[];
  @ApiProperty({ type: [ProcedureView], description: 'Démarches déclarées, la plus proche échéance d’abord' }) procedures!: ProcedureView[];
  @ApiProperty({ type: [ProcedureView] }) urgentProcedures!: ProcedureView[];
  @ApiProperty({ type: [RecommendedRoleView], description: 'Dans l’ordre où les faire' }) recommendedRoles!: RecommendedRoleView[];
  @ApiProperty({ type: [CandidateView], description: 'Services proposés, par rôle recommandé puis par score, calculés au moment du diagnostic' })
  candidates!: CandidateView[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Les réponses données (absentes en lecture pseudonymisée)' })
  answers?: Record<string, unknown>;
}

export class ProgressionStepView {
  @ApiProperty({ format: 'uuid' }) fromAssessmentId!: string;
  @ApiProperty({ format: 'uuid' }) toAssessmentId!: string;
  @ApiProperty({ enum: autonomyLevels }) fromLevel!: AutonomyLevel;
  @ApiProperty({ enum: autonomyLevels }) toLevel!: AutonomyLevel;
  @ApiProperty({ description: 'Marches gagnées (+) ou perdues (−) sur l’échelle en quatre niveaux' }) levelSteps!: number;
  @ApiProperty() scoreDelta!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Évolution du score de chaque domaine' })
  domainDeltas!: Record<string, number>;
  @ApiProperty({ enum: barriers, isArray: true }) barriersLifted!: Barrier[];
  @ApiProperty({ enum: barriers, isArray: true }) barriersAppeared!: Barrier[];
  @ApiProperty({ description: 'En français simple' }) summary!: string;
}

export class HistoryEntryView {
  @ApiProperty({ format: 'uuid' }) assessmentId!: string;
  @ApiProperty({ format: 'date-time' }) completedAt!: string;
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty({ enum: autonomyLevels }) level!: AutonomyLevel;
  @ApiProperty() score!: number;
  @ApiProperty({ type: [DomainView] }) domains!: DomainView[];
  @ApiProperty({ enum: barriers, isArray: true }) barriers!: Barrier[];
  @ApiProperty({ enum: serviceRoles, isArray: true }) recommendedRoles!: ServiceRole[];
  @ApiProperty({ example: '1' }) questionnaireVersion!: string;
}

export class PersonHistoryView {
  @ApiProperty() personRef!: string;
  @ApiProperty({ type: [HistoryEntryView], description: 'Les diagnostics que l’appelant peut lire, du plus ancien au plus récent' }) assessments!: HistoryEntryView[];
  @ApiProperty({ type: [ProgressionStepView], description: 'La progression d’un diagnostic au suivant' }) progression!: ProgressionStepView[];
}
