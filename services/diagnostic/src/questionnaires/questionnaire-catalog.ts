import { createHash } from 'node:crypto';
import { canonicalJson } from '@relais/platform';
import type { Question, Questionnaire } from './questionnaire.types';
import { questionnaireV1 } from './v1/questionnaire.v1';

/** Every questionnaire version the service knows, oldest first; the last one is served as current. */
export const questionnaireVersions: readonly Questionnaire[] = [questionnaireV1];

export class QuestionnaireDefinitionError extends Error {
  constructor(version: string, readonly problems: string[]) {
    super(`questionnaire ${version} is malformed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'QuestionnaireDefinitionError';
  }
}

/** The problems of a questionnaire's structure; the service refuses to start on any. */
export function questionnaireProblems(questionnaire: Questionnaire): string[] {
  const problems: string[] = [];
  if (!/^[0-9A-Za-z.-]+$/.test(questionnaire.version)) problems.push(`version « ${questionnaire.version} » must be URL-safe`);
  const ids = new Set<string>();
  const sectionIds = new Set<string>();
  for (const section of questionnaire.sections) {
    if (sectionIds.has(section.id)) problems.push(`section ${section.id} appears twice`);
    sectionIds.add(section.id);
    if (section.questions.length === 0) problems.push(`section ${section.id} has no question`);
    for (const question of section.questions) {
      if (ids.has(question.id)) problems.push(`question ${question.id} appears twice`);
      ids.add(question.id);
      if (!question.text.trim() || !question.help.trim()) problems.push(`question ${question.id} needs a text and a help text`);
      if (question.options.length === 0) problems.push(`question ${question.id} has no option`);
      const values = new Set<string>();
      for (const option of question.options) {
        if (values.has(option.value)) problems.push(`question ${question.id}: option ${option.value} appears twice`);
        values.add(option.value);
        if (!option.label.trim()) problems.push(`question ${question.id}: option ${option.value} has no label`);
        if (option.exclusive && question.kind !== 'multiple') problems.push(`question ${question.id}: only a multiple-choice option can be exclusive`);
      }
    }
  }
  return problems;
}

/**
 * The content hash of a version: stored when the version is first used, and compared at every start, so
 * a version edited in place after use is caught before it could change how past assessments read.
 */
export function questionnaireHash(questionnaire: Questionnaire): string {
  return createHash('sha256').update(canonicalJson(questionnaire)).digest('hex');
}

/** Loaded once at start: the versions, validated, with their hashes and a question index. */
export class QuestionnaireCatalog {
  private readonly byVersion = new Map<string, { questionnaire: Questionnaire; hash: string; questions: Map<string, Question> }>();
  readonly current: Questionnaire;

  constructor(versions: readonly Questionnaire[] = questionnaireVersions) {
    if (versions.length === 0) throw new Error('no questionnaire version');
    for (const questionnaire of versions) {
      const problems = questionnaireProblems(questionnaire);
      if (problems.length > 0) throw new QuestionnaireDefinitionError(questionnaire.version, problems);
      if (this.byVersion.has(questionnaire.version)) throw new QuestionnaireDefinitionError(questionnaire.version, ['version declared twice']);
      const questions = new Map(questionnaire.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));
      this.byVersion.set(questionnaire.version, { questionnaire, hash: questionnaireHash(questionnaire), questions });
    }
    this.current = versions[versions.length - 1];
  }

  versions(): string[] {
    return [...this.byVersion.keys()];
  }

  find(version: string): Questionnaire | undefined {
    return this.byVersion.get(version)?.questionnaire;
  }

  hash(version: string): string {
    const entry = this.byVersion.get(version);
    if (!entry) throw new Error(`unknown questionnaire version ${version}`);
    return entry.hash;
  }

  question(version: string, id: string): Question | undefined {
    return this.byVersion.get(version)?.questions.get(id);
  }
}
