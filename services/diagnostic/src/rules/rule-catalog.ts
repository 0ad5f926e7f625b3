import type { QuestionnaireCatalog } from '../questionnaires/questionnaire-catalog';
import { ruleSetProblems, RuleSetDefinitionError } from './engine';
import type { RuleSet } from './rules.types';
import { rulesV1 } from './v1/rules.v1';

/** Every rule set, oldest first. Each reads one questionnaire version; the last one for a version scores new assessments. */
export const ruleSets: readonly RuleSet[] = [rulesV1];

export class RuleCatalog {
  private readonly byVersion = new Map<string, RuleSet>();

  constructor(questionnaires: QuestionnaireCatalog, sets: readonly RuleSet[] = ruleSets) {
    for (const rules of sets) {
      const questionnaire = questionnaires.find(rules.questionnaireVersion);
      if (!questionnaire) throw new RuleSetDefinitionError(rules.version, [`questionnaire ${rules.questionnaireVersion} does not exist`]);
      const problems = ruleSetProblems(rules, questionnaire);
      if (problems.length > 0) throw new RuleSetDefinitionError(rules.version, problems);
      this.byVersion.set(rules.version, rules);
    }
    for (const version of questionnaires.versions()) {
      if (!this.forQuestionnaire(version)) throw new RuleSetDefinitionError('?', [`questionnaire ${version} has no rules`]);
    }
  }

  /** The rules that score new answers to this questionnaire version. */
  forQuestionnaire(questionnaireVersion: string): RuleSet | undefined {
    return [...this.byVersion.values()].filter((r) => r.questionnaireVersion === questionnaireVersion).pop();
  }

  find(version: string): RuleSet | undefined {
    return this.byVersion.get(version);
  }
}
