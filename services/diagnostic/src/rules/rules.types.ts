import type { autonomyLevels, barriers, serviceRoles } from '@relais/contracts';

export type AutonomyLevel = (typeof autonomyLevels)[number];
export type Barrier = (typeof barriers)[number];
export type ServiceRole = (typeof serviceRoles)[number];

/**
 * The autonomy field conseillers numériques already fill in their activity reports (La Coop de la
 * médiation numérique): « entièrement accompagné », « partiellement autonome », « autonome ».
 */
export const coopAutonomyValues = ['entierement-accompagne', 'partiellement-autonome', 'autonome'] as const;
export type CoopAutonomy = (typeof coopAutonomyValues)[number];

/**
 * A condition over the answers and over what the rules already derived (level, barriers, urgency).
 * Written as data so that a coordinator can read a rule without reading code.
 */
export type Condition =
  /** A single-choice answer is one of these values. */
  | { answer: string; in: readonly string[] }
  /** A multiple-choice answer contains at least one of these values. */
  | { answer: string; includesAny: readonly string[] }
  /** The computed level is one of these. */
  | { level: readonly AutonomyLevel[] }
  | { barrier: Barrier }
  /** At least one declared procedure is due within the urgency window (or overdue). */
  | { urgentProcedure: true }
  | { all: readonly Condition[] }
  | { any: readonly Condition[] }
  | { not: Condition };

/** Points of each option of a question toward a skills domain (1 = does it alone, 0 = never did it). */
export interface DomainItem {
  question: string;
  points: Readonly<Record<string, number>>;
}

export interface SkillsDomain {
  id: string;
  label: string;
  /** Weight of the domain in the overall score. */
  weight: number;
  items: readonly DomainItem[];
}

/** Caps the level when a situation makes a higher level meaningless (e.g. cannot read French). */
export interface LevelCap {
  id: string;
  when: Condition;
  atMost: AutonomyLevel;
  /** Plain French, shown in the explanation. */
  reason: string;
}

export interface BarrierRule {
  barrier: Barrier;
  when: Condition;
  /** Plain French: what the agent observed. */
  reason: string;
}

/**
 * One recommendation: when `when` holds, recommend `role`. Lower `priority` comes first; when several
 * rules give one role, the first by priority keeps its reason. `reason` is a template: {procedures}
 * (urgent procedures with their deadlines), {level} (the level's label), {barriers}.
 */
export interface RoleRule {
  id: string;
  role: ServiceRole;
  priority: number;
  when: Condition;
  reason: string;
}

export interface ProcedureDefinition {
  label: string;
  /** data·inclusion thématiques of the services that help with this procedure (used by the ranking). */
  thematiques: readonly string[];
}

export interface RuleSet {
  /** Version of the rules; an assessment stores it beside its result. */
  version: string;
  /** The questionnaire version these rules read. */
  questionnaireVersion: string;
  levelLabels: Readonly<Record<AutonomyLevel, string>>;
  barrierLabels: Readonly<Record<Barrier, string>>;
  roleLabels: Readonly<Record<ServiceRole, string>>;
  domains: readonly SkillsDomain[];
  /** Overall score (0–100) from which each level starts, highest first; the last must be 0. */
  thresholds: ReadonlyArray<{ level: AutonomyLevel; minScore: number }>;
  caps: readonly LevelCap[];
  coopAutonomy: Readonly<Record<AutonomyLevel, CoopAutonomy>>;
  barrierRules: readonly BarrierRule[];
  procedures: {
    question: string;
    /** A procedure is urgent when its deadline is at most this many days away (or past). */
    urgentWithinDays: number;
    /** A procedure declared without a known deadline counts as urgent: the person came because of it. */
    unknownDeadlineIsUrgent: boolean;
    definitions: Readonly<Record<string, ProcedureDefinition>>;
  };
  roleRules: readonly RoleRule[];
  /** When no rule matches (rare), the person is still pointed somewhere. */
  fallback: { role: ServiceRole; reason: string };
  /** Questions the ranking reads to match services' languages and publics. */
  profile: {
    languagesQuestion: string;
    ageQuestion: string;
    /** data·inclusion `publics` codes a service may restrict itself to, per answer. */
    publicsByAnswer: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  };
}
