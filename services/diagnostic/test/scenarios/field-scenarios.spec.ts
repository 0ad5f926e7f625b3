import { validateAnswers } from '../../src/questionnaires/answers';
import { QuestionnaireCatalog } from '../../src/questionnaires/questionnaire-catalog';
import { recommendServices } from '../../src/recommendation/recommend';
import { assess } from '../../src/rules/engine';
import { RuleCatalog } from '../../src/rules/rule-catalog';
import { fieldScenarios } from './field-scenarios';
import { communes, directory, networkKeyOf, networkOfCommune } from './morbihan-directory.fixture';

const questionnaires = new QuestionnaireCatalog();
const rules = new RuleCatalog(questionnaires);

describe('field scenarios', () => {
  it('are at least a dozen', () => {
    expect(fieldScenarios.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(fieldScenarios.map((s) => [s.title, s] as const))('%s', (_title, scenario) => {
    const questionnaire = questionnaires.current;
    const ruleSet = rules.forQuestionnaire(questionnaire.version)!;
    const validated = validateAnswers(questionnaire, scenario.answers);
    // 10:00 in Paris on the scenario's day: services open on weekdays are open.
    const now = new Date(`${scenario.today}T08:00:00Z`);

    it('answers the current questionnaire completely', () => {
      expect(validated.errors).toEqual([]);
    });

    const profile = assess(ruleSet, validated.answers ?? {}, scenario.today);
    const network = networkOfCommune(scenario.commune);
    const candidates = recommendServices(profile, communes.get(scenario.commune), network?.id ?? null, directory, now);

    it(`is « ${scenario.expect.level} »`, () => {
      expect(profile.level).toBe(scenario.expect.level);
    });

    it(`meets the barriers ${scenario.expect.barriers.join(', ') || '(none)'}`, () => {
      expect(profile.barriers.map((b) => b.barrier).sort()).toEqual([...scenario.expect.barriers].sort());
    });

    it(`recommends ${scenario.expect.rolesStartWith.join(' then ')} first`, () => {
      const roles = profile.recommendedRoles.map((r) => r.role);
      expect(roles.slice(0, scenario.expect.rolesStartWith.length)).toEqual(scenario.expect.rolesStartWith);
      for (const excluded of scenario.expect.rolesExclude ?? []) expect(roles).not.toContain(excluded);
      for (const role of profile.recommendedRoles) expect(role.reason).not.toMatch(/\{\w+\}/);
      if (scenario.expect.firstRoleReason) expect(profile.recommendedRoles[0]?.reason).toMatch(scenario.expect.firstRoleReason);
    });

    it(`proposes first a service of the ${scenario.expect.firstCandidate.network} network for ${scenario.expect.firstCandidate.role}`, () => {
      const first = candidates[0];
      expect(first).toBeDefined();
      expect({ network: first?.networkIds.map(networkKeyOf), role: first?.role, structure: first?.structureName }).toEqual({
        network: expect.arrayContaining([scenario.expect.firstCandidate.network]),
        role: scenario.expect.firstCandidate.role,
        structure: scenario.expect.firstCandidate.structure ? expect.stringMatching(scenario.expect.firstCandidate.structure) : expect.anything(),
      });
      if (scenario.expect.firstCandidateReason) expect(first?.reasons.join('\n')).toMatch(scenario.expect.firstCandidateReason);
      for (const excluded of scenario.expect.candidatesExclude ?? []) {
        expect(candidates.map((c) => c.structureName ?? '')).not.toContainEqual(expect.stringMatching(excluded));
      }
      for (const candidate of candidates) expect(candidate.reasons.length).toBeGreaterThan(1);
    });
  });
});

if (process.env['PRINT_SCENARIOS']) {
  for (const scenario of fieldScenarios) {
    const questionnaire = questionnaires.current;
    const profile = assess(rules.forQuestionnaire(questionnaire.version)!, validateAnswers(questionnaire, scenario.answers).answers ?? {}, scenario.today);
    const candidates = recommendServices(profile, communes.get(scenario.commune), networkOfCommune(scenario.commune)?.id ?? null, directory, new Date(`${scenario.today}T08:00:00Z`));
    process.stdout.write(`\n# ${scenario.title}\n${profile.level} ${profile.score} ${profile.barriers.map((b) => b.barrier).join(',')}\n${profile.recommendedRoles.map((r) => `${r.role}: ${r.reason}`).join('\n')}\n`);
    for (const c of candidates) process.stdout.write(`  ${c.rank}. [${c.role}] ${c.structureName} ${c.score} — ${c.reasons.join(' | ')}\n`);
  }
}
