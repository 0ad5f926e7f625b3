import { QuestionnaireCatalog } from '../questionnaires/questionnaire-catalog';
import { questionnaireV1 } from '../questionnaires/v1/questionnaire.v1';
import { assess, daysBetween, ruleSetProblems } from './engine';
import { RuleCatalog } from './rule-catalog';
import type { RuleSet } from './rules.types';
import { inDays, neverUsedDigital, person, procedure, TODAY } from '../../test/scenarios/scenario';
import { rulesV1 } from './v1/rules.v1';

describe('rules v1', () => {
  it('are consistent with questionnaire v1', () => {
    expect(ruleSetProblems(rulesV1, questionnaireV1)).toEqual([]);
    expect(new RuleCatalog(new QuestionnaireCatalog()).forQuestionnaire('1')).toBe(rulesV1);
  });

  it('are refused at start when they name an unknown question or option, or miss points', () => {
    const broken: RuleSet = {
      ...rulesV1,
      barrierRules: [...rulesV1.barrierRules, { barrier: 'mobilite', when: { answer: 'voiture', in: ['non'] }, reason: 'x' }],
      caps: [...rulesV1.caps, { id: 'x', when: { answer: 'deplacement', in: ['en-fusee'] }, atMost: 'debutant', reason: 'x' }],
      domains: [{ id: 'd', label: 'd', weight: 1, items: [{ question: 'courriel', points: { 'oui-seul': 1 } }] }],
    };
    const problems = ruleSetProblems(broken, questionnaireV1).join('\n');
    expect(problems).toMatch(/unknown question voiture/);
    expect(problems).toMatch(/has no option en-fusee/);
    expect(problems).toMatch(/option non of courriel has no points/);
  });
});

describe('assess', () => {
  it('counts days between ISO dates', () => {
    expect(daysBetween('2026-04-20', '2026-04-30')).toBe(10);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2); // across the switch to summer time
  });

  it('scores the domains and explains the level', () => {
    const profile = assess(rulesV1, person({}), TODAY);
    expect(profile).toMatchObject({ level: 'autonome', score: 100, coopAutonomy: 'autonome' });
    expect(profile.domains.map((d) => d.id)).toEqual(['prise-en-main', 'communication', 'demarches-en-ligne', 'comprehension-administrative']);
    expect(profile.levelExplanation[0]).toMatch(/Score global 100\/100/);
  });

  it('caps the level of someone who cannot read French, and says so', () => {
    const profile = assess(rulesV1, person({ 'lecture-ecriture': 'impossible' }), TODAY);
    expect(profile.level).toBe('debutant');
    expect(profile.levelExplanation.join(' ')).toMatch(/Sans lire le français/);
  });

  it('sorts procedures by deadline and tells which are urgent', () => {
    const profile = assess(rulesV1, person({ 'demarches-a-faire': [procedure('retraite', inDays(90)), procedure('caf', inDays(3)), procedure('sante', null)] }), TODAY);
    expect(profile.procedures.map((p) => [p.procedure, p.daysLeft, p.urgent])).toEqual([
      ['caf', 3, true],
      ['retraite', 90, false],
      ['sante', null, true],
    ]);
    expect(profile.matching.nearestUrgentDaysLeft).toBe(3);
  });

  it('fills the reason templates with the urgent procedures', () => {
    const profile = assess(rulesV1, person({ ...neverUsedDigital, 'demarches-a-faire': [procedure('impots', inDays(10))] }), TODAY);
    expect(profile.recommendedRoles[0]).toMatchObject({ role: 'faire-a-la-place', rank: 1, ruleId: 'urgence-et-debutant' });
    expect(profile.recommendedRoles[0]?.reason).toMatch(/impôts, avant le 30\/04\/2026 \(dans 10 jours\)/);
  });

  it('derives the publics and languages a service is matched on', () => {
    const profile = assess(rulesV1, person({ 'tranche-age': '75-et-plus', 'autres-langues': ['ar'], 'besoins-accessibilite': ['vue'] }), TODAY);
    expect(profile.matching.languages).toEqual(['fr', 'ar']);
    expect(profile.matching.publics).toEqual(expect.arrayContaining(['seniors-65', 'deficience-visuelle']));
  });
});
