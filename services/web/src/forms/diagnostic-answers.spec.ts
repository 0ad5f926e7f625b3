import type { Question } from '../api/diagnostic';
import { answersToSend, questionError } from './diagnostic-answers';

const single: Question = { id: 'smartphone', kind: 'single', text: '?', required: true, options: [{ value: 'oui', label: 'Oui' }, { value: 'non', label: 'Non' }] };
const multiple: Question = { id: 'besoins', kind: 'multiple', text: '?', required: true, options: [{ value: 'aucun', label: 'Aucun', exclusive: true }, { value: 'vue', label: 'Vue' }] };
const procedures: Question = { id: 'demarches', kind: 'procedures', text: '?', required: true, options: [{ value: 'caf', label: 'CAF' }] };

describe('diagnostic answers', () => {
  it('asks for an answer, and never « none » with another one', () => {
    expect(questionError(single, undefined)).toBe('Choisissez une réponse.');
    expect(questionError(single, 'oui')).toBeNull();
    expect(questionError(multiple, [])).toBe('Cochez au moins une réponse.');
    expect(questionError(multiple, ['aucun', 'vue'])).toContain('aucune');
    expect(questionError(procedures, undefined)).toBeNull();
  });

  it('sends an empty list for an unanswered list question, and nothing for an unanswered single one', () => {
    expect(answersToSend([single, multiple, procedures], { besoins: ['vue'] })).toEqual({ besoins: ['vue'], demarches: [] });
  });
});
