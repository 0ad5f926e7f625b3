import { autonomyLevels } from '@relais/contracts';
import { multipleAnswer, proceduresAnswer, singleAnswer } from '../questionnaires/answers';
import type { Answers, Questionnaire } from '../questionnaires/questionnaire.types';
import { answerReferences, holds, readsDerivedFacts, type Facts } from './conditions';
import type { AutonomyLevel, Barrier, CoopAutonomy, RuleSet, ServiceRole } from './rules.types';

export interface DomainResult {
  id: string;
  label: string;
  /** 0–100. */
  score: number;
  weight: number;
}

export interface BarrierResult {
  barrier: Barrier;
  label: string;
  reason: string;
}

export interface ProcedureResult {
  procedure: string;
  label: string;
  deadline: string | null;
  /** Days from the assessment's day to the deadline (negative when overdue); null without deadline. */
  daysLeft: number | null;
  urgent: boolean;
}

export interface RecommendedRole {
  role: ServiceRole;
  label: string;
  rank: number;
  /** Plain French, readable by the person. */
  reason: string;
  ruleId: string;
}

/** Everything the rules conclude from one set of answers, with the reasons, before any service is ranked. */
export interface AutonomyProfile {
  rulesVersion: string;
  questionnaireVersion: string;
  level: AutonomyLevel;
  levelLabel: string;
  coopAutonomy: CoopAutonomy;
  /** 0–100, weighted mean of the domains. */
  score: number;
  domains: DomainResult[];
  /** How the level was reached: the score and its threshold, then any cap that lowered it. */
  levelExplanation: string[];
  barriers: BarrierResult[];
  procedures: ProcedureResult[];
  recommendedRoles: RecommendedRole[];
  /** What the ranking matches against services. */
  matching: { languages: string[]; publics: string[]; thematiques: string[]; nearestUrgentDaysLeft: number | null };
}

const levelRank = (level: AutonomyLevel): number => autonomyLevels.indexOf(level);

export class RuleSetDefinitionError extends Error {
  constructor(version: string, readonly problems: string[]) {
    super(`rules ${version} are inconsistent with their questionnaire:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RuleSetDefinitionError';
  }
}

/**
 * Checks a rule set against its questionnaire at start: every question and option a rule names exists,
 * every domain covers every option of its questions, thresholds go down to 0, and barrier rules read
 * answers only (they are evaluated before the level and the other barriers exist).
 */
export function ruleSetProblems(rules: RuleSet, questionnaire: Questionnaire): string[] {
  const problems: string[] = [];
  if (rules.questionnaireVersion !== questionnaire.version) problems.push(`rules read questionnaire ${rules.questionnaireVersion}, not ${questionnaire.version}`);
  const questions = new Map(questionnaire.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));
  const checkReference = (where: string, question: string, values: readonly string[], kind: 'single' | 'multiple' | 'procedures') => {
    const q = questions.get(question);
    if (!q) return problems.push(`${where}: unknown question ${question}`);
    if (q.kind !== kind) problems.push(`${where}: question ${question} is ${q.kind}, read as ${kind}`);
    const options = new Set(q.options.map((o) => o.value));
    for (const value of values) if (!options.has(value)) problems.push(`${where}: question ${question} has no option ${value}`);
    return undefined;
  };
  for (const domain of rules.domains) {
    for (const item of domain.items) {
      checkReference(`domain ${domain.id}`, item.question, Object.keys(item.points), 'single');
      const q = questions.get(item.question);
      for (const option of q?.options ?? []) {
        if (!(option.value in item.points)) problems.push(`domain ${domain.id}: option ${option.value} of ${item.question} has no points`);
      }
      for (const [value, points] of Object.entries(item.points)) {
        if (points < 0 || points > 1) problems.push(`domain ${domain.id}: ${item.question}=${value} scores ${points}, outside 0–1`);
      }
    }
  }
  const thresholds = rules.thresholds.map((t) => t.minScore);
  if (thresholds.some((t, i) => i > 0 && t >= (thresholds[i - 1] ?? Infinity)) || thresholds[thresholds.length - 1] !== 0) {
    problems.push('thresholds must decrease strictly down to 0');
  }
  if (new Set(rules.thresholds.map((t) => t.level)).size !== autonomyLevels.length) problems.push('thresholds must name each level once');
  const conditions = [
    ...rules.caps.map((c) => ({ where: `cap ${c.id}`, when: c.when })),
    ...rules.barrierRules.map((b) => ({ where: `barrier ${b.barrier}`, when: b.when })),
    ...rules.roleRules.map((r) => ({ where: `role rule ${r.id}`, when: r.when })),
  ];
  for (const { where, when } of conditions) {
    for (const ref of answerReferences(when)) checkReference(where, ref.question, ref.values, ref.kind);
  }
  for (const rule of rules.barrierRules) {
    if (readsDerivedFacts(rule.when).length > 0) problems.push(`barrier ${rule.barrier}: a barrier rule may read answers only`);
  }
  for (const cap of rules.caps) {
    if (readsDerivedFacts(cap.when).some((f) => f !== 'level')) problems.push(`cap ${cap.id}: a cap may read answers and the level only`);
  }
  checkReference('procedures', rules.procedures.question, Object.keys(rules.procedures.definitions), 'procedures');
  const procedureQuestion = questions.get(rules.procedures.question);
  for (const option of procedureQuestion?.options ?? []) {
    if (!(option.value in rules.procedures.definitions)) problems.push(`procedures: option ${option.value} has no definition`);
  }
  for (const [question, byValue] of Object.entries(rules.profile.publicsByAnswer)) {
    const q = questions.get(question);
    checkReference('profile.publicsByAnswer', question, Object.keys(byValue), q?.kind === 'multiple' ? 'multiple' : 'single');
  }
  checkReference('profile.languagesQuestion', rules.profile.languagesQuestion, [], 'multiple');
  checkReference('profile.ageQuestion', rules.profile.ageQuestion, [], 'single');
  return problems;
}

/** Whole days from `from` to `to`, both ISO dates (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function formatDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * The rules engine: pure, deterministic, no I/O. `today` is the assessment's day (Europe/Paris) as an
 * ISO date, so a deadline « in 10 days » reads the same in a test and at the desk.
 */
export function assess(rules: RuleSet, answers: Answers, today: string): AutonomyProfile {
  // 1. Skills domains and the overall score.
  const domains: DomainResult[] = rules.domains.map((domain) => {
    const points = domain.items.map((item) => item.points[singleAnswer(answers, item.question) ?? ''] ?? 0);
    const score = points.length ? points.reduce((a, b) => a + b, 0) / points.length : 0;
    return { id: domain.id, label: domain.label, score: Math.round(score * 100), weight: domain.weight };
  });
  const totalWeight = rules.domains.reduce((sum, d) => sum + d.weight, 0);
  const score = Math.round(domains.reduce((sum, d) => sum + d.score * d.weight, 0) / totalWeight);

  // 2. The level: the highest threshold reached, then caps.
  const threshold = rules.thresholds.find((t) => score >= t.minScore) ?? rules.thresholds[rules.thresholds.length - 1];
  let level: AutonomyLevel = threshold?.level ?? 'a-faire-pour';
  const levelExplanation = [`Score global ${score}/100 : niveau « ${rules.levelLabels[level]} » (à partir de ${threshold?.minScore ?? 0}).`];
  for (const cap of rules.caps) {
    if (levelRank(level) > levelRank(cap.atMost) && holds(cap.when, { answers, level })) {
      level = cap.atMost;
      levelExplanation.push(`${cap.reason} Niveau ramené à « ${rules.levelLabels[level]} ».`);
    }
  }

  // 3. Barriers, from the answers only.
  const barriers: BarrierResult[] = rules.barrierRules
    .filter((rule) => holds(rule.when, { answers }))
    .map((rule) => ({ barrier: rule.barrier, label: rules.barrierLabels[rule.barrier], reason: rule.reason }));
  const barrierSet = new Set(barriers.map((b) => b.barrier));

  // 4. Procedures and their urgency.
  const procedures: ProcedureResult[] = proceduresAnswer(answers, rules.procedures.question)
    .map((p) => {
      const daysLeft = p.deadline ? daysBetween(today, p.deadline) : null;
      const urgent = daysLeft === null ? rules.procedures.unknownDeadlineIsUrgent : daysLeft <= rules.procedures.urgentWithinDays;
      return { procedure: p.procedure, label: rules.procedures.definitions[p.procedure]?.label ?? p.procedure, deadline: p.deadline, daysLeft, urgent };
    })
    .sort((a, b) => (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity));
  const urgent = procedures.filter((p) => p.urgent);

  // 5. Roles, by priority; the first rule giving a role keeps its reason.
  const facts: Facts = { answers, level, barriers: barrierSet, hasUrgentProcedure: urgent.length > 0 };
  const describedProcedures = urgent
    .map((p) => (p.deadline ? `${p.label}, avant le ${formatDate(p.deadline)}${p.daysLeft !== null && p.daysLeft >= 0 ? ` (dans ${p.daysLeft} jours)` : ' (date dépassée)'}` : `${p.label}, date limite inconnue`))
    .join(' ; ');
  const templateValues = {
    procedures: describedProcedures,
    level: rules.levelLabels[level],
    barriers: barriers.map((b) => b.label).join(', '),
  };
  const matched = [...rules.roleRules].sort((a, b) => a.priority - b.priority).filter((rule) => holds(rule.when, facts));
  const seen = new Set<ServiceRole>();
  const recommendedRoles: RecommendedRole[] = [];
  for (const rule of matched) {
    if (seen.has(rule.role)) continue;
    seen.add(rule.role);
    recommendedRoles.push({ role: rule.role, label: rules.roleLabels[rule.role], rank: recommendedRoles.length + 1, reason: fill(rule.reason, templateValues), ruleId: rule.id });
  }
  if (recommendedRoles.length === 0) {
    recommendedRoles.push({ role: rules.fallback.role, label: rules.roleLabels[rules.fallback.role], rank: 1, reason: rules.fallback.reason, ruleId: 'fallback' });
  }

  // 6. What services are matched against.
  const publics = new Set<string>();
  for (const [question, byValue] of Object.entries(rules.profile.publicsByAnswer)) {
    const values = [...multipleAnswer(answers, question), ...[singleAnswer(answers, question)].filter((v): v is string => v !== undefined)];
    for (const value of values) for (const code of byValue[value] ?? []) publics.add(code);
  }
  const languages = ['fr', ...multipleAnswer(answers, rules.profile.languagesQuestion).filter((l) => l !== 'aucune')];
  const thematiques = [...new Set(urgent.flatMap((p) => rules.procedures.definitions[p.procedure]?.thematiques ?? []))];
  const nearestUrgentDaysLeft = urgent.reduce<number | null>((min, p) => (p.daysLeft === null ? min : min === null ? p.daysLeft : Math.min(min, p.daysLeft)), null);

  return {
    rulesVersion: rules.version,
    questionnaireVersion: rules.questionnaireVersion,
    level,
    levelLabel: rules.levelLabels[level],
    coopAutonomy: rules.coopAutonomy[level],
    score,
    domains,
    levelExplanation,
    barriers,
    procedures,
    recommendedRoles,
    matching: { languages, publics: [...publics].sort(), thematiques, nearestUrgentDaysLeft },
  };
}
