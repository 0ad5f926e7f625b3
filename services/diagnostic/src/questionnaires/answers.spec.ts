import { validateAnswers } from './answers';
import { QuestionnaireCatalog, questionnaireHash, questionnaireProblems } from './questionnaire-catalog';
import { questionnaireV1 } from './v1/questionnaire.v1';
import { person } from '../../test/scenarios/scenario';

describe('questionnaire v1', () => {
  it('is well formed, and covers what the field asks about', () => {
    expect(questionnaireProblems(questionnaireV1)).toEqual([]);
    const ids = questionnaireV1.sections.flatMap((s) => s.questions.map((q) => q.id));
    expect(ids).toEqual(
      expect.arrayContaining(['smartphone', 'ordinateur', 'imprimante-scanner', 'connexion-domicile', 'courriel', 'formulaire-en-ligne', 'piece-jointe', 'identifiants', 'vocabulaire-administratif', 'lecture-ecriture', 'besoins-accessibilite', 'peur-erreur', 'deplacement', 'demarches-a-faire']),
    );
  });

  it('has a hash that depends on the content, not on the order of properties', () => {
    const reordered = { sections: questionnaireV1.sections, introduction: questionnaireV1.introduction, title: questionnaireV1.title, version: questionnaireV1.version };
    expect(questionnaireHash(reordered)).toBe(questionnaireHash(questionnaireV1));
    const reworded = { ...questionnaireV1, title: `${questionnaireV1.title} (bis)` };
    expect(questionnaireHash(reworded)).not.toBe(questionnaireHash(questionnaireV1));
  });

  it('refuses a malformed version at load', () => {
    const broken = { ...questionnaireV1, version: '2', sections: [...questionnaireV1.sections, questionnaireV1.sections[0]] };
    expect(() => new QuestionnaireCatalog([questionnaireV1, broken])).toThrow(/appears twice/);
  });
});

describe('validateAnswers', () => {
  it('accepts complete answers and normalises multiple choices', () => {
    const result = validateAnswers(questionnaireV1, person({ 'autres-langues': ['ar', 'ar', 'en'] }));
    expect(result.errors).toEqual([]);
    expect(result.answers?.['autres-langues']).toEqual(['ar', 'en']);
  });

  it('accepts an optional question left out', () => {
    const answers = person({});
    delete answers['autres-langues'];
    expect(validateAnswers(questionnaireV1, answers).errors).toEqual([]);
  });

  it('lists every problem at once, each on its field', () => {
    const answers: Record<string, unknown> = {
      ...person({ ordinateur: 'peut-etre', 'besoins-accessibilite': ['aucun', 'vue'], 'autres-langues': 'ar' }),
      'demarches-a-faire': [{ procedure: 'impots', deadline: '2026-13-01' }, { procedure: 'impots', deadline: null }, { procedure: 'loto', deadline: null, note: 'x' }],
    };
    delete answers['smartphone'];
    answers['age-exact'] = 72;
    const { errors } = validateAnswers(questionnaireV1, answers);
    expect(errors.map((e) => e.field).sort()).toEqual(
      [
        'answers.age-exact',
        'answers.autres-langues',
        'answers.besoins-accessibilite',
        'answers.demarches-a-faire[0].deadline',
        'answers.demarches-a-faire[1].procedure',
        'answers.demarches-a-faire[2].note',
        'answers.demarches-a-faire[2].procedure',
        'answers.ordinateur',
        'answers.smartphone',
      ].sort(),
    );
    expect(errors.find((e) => e.field === 'answers.smartphone')?.message).toMatch(/réponse manquante : « Avez-vous un smartphone/);
  });

  it('refuses answers that are not an object', () => {
    expect(validateAnswers(questionnaireV1, ['oui']).errors).toEqual([{ field: 'answers', message: expect.stringMatching(/objet/) }]);
  });
});
