import { multipleAnswer, singleAnswer } from '../questionnaires/answers';
import type { Answers } from '../questionnaires/questionnaire.types';
import type { AutonomyLevel, Barrier, Condition } from './rules.types';

/** What a condition can look at: the answers, then what earlier steps derived from them. */
export interface Facts {
  answers: Answers;
  level?: AutonomyLevel;
  barriers?: ReadonlySet<Barrier>;
  hasUrgentProcedure?: boolean;
}

/**
 * Evaluates a condition. A condition about a fact not derived yet (the level inside a barrier rule) is a
 * mistake in the rules, caught by the rule-set checks at start; here it is simply false.
 */
export function holds(condition: Condition, facts: Facts): boolean {
  if ('all' in condition) return condition.all.every((c) => holds(c, facts));
  if ('any' in condition) return condition.any.some((c) => holds(c, facts));
  if ('not' in condition) return !holds(condition.not, facts);
  if ('in' in condition) {
    const value = singleAnswer(facts.answers, condition.answer);
    return value !== undefined && condition.in.includes(value);
  }
  if ('includesAny' in condition) {
    const values = multipleAnswer(facts.answers, condition.answer);
    return values.some((v) => condition.includesAny.includes(v));
  }
  if ('level' in condition) return facts.level !== undefined && condition.level.includes(facts.level);
  if ('barrier' in condition) return facts.barriers?.has(condition.barrier) ?? false;
  return facts.hasUrgentProcedure === true;
}

/** Every (question, values) pair a condition reads, to check the rules against their questionnaire. */
export function answerReferences(condition: Condition): Array<{ question: string; values: readonly string[]; kind: 'single' | 'multiple' }> {
  if ('all' in condition) return condition.all.flatMap(answerReferences);
  if ('any' in condition) return condition.any.flatMap(answerReferences);
  if ('not' in condition) return answerReferences(condition.not);
  if ('in' in condition) return [{ question: condition.answer, values: condition.in, kind: 'single' }];
  if ('includesAny' in condition) return [{ question: condition.answer, values: condition.includesAny, kind: 'multiple' }];
  return [];
}

/** Whether a condition reads derived facts (level, barriers, urgency) rather than answers only. */
export function readsDerivedFacts(condition: Condition): Array<'level' | 'barrier' | 'urgency'> {
  if ('all' in condition) return condition.all.flatMap(readsDerivedFacts);
  if ('any' in condition) return condition.any.flatMap(readsDerivedFacts);
  if ('not' in condition) return readsDerivedFacts(condition.not);
  if ('level' in condition) return ['level'];
  if ('barrier' in condition) return ['barrier'];
  if ('urgentProcedure' in condition) return ['urgency'];
  return [];
}
