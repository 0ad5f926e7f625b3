import type { Answer, Question } from '../api/diagnostic';

/** Whether a question is answered well enough to go on; a message for the agent otherwise. */
export function questionError(question: Question, answer: Answer | undefined): string | null {
  if (question.kind === 'procedures') return null; // an empty list means "no procedure"
  if (question.kind === 'multiple') {
    const values = (answer as string[] | undefined) ?? [];
    if (question.required && values.length === 0) return 'Cochez au moins une réponse.';
    const exclusive = question.options.filter((o) => o.exclusive).map((o) => o.value);
    if (values.some((v) => exclusive.includes(v)) && values.length > 1) return 'La réponse « aucune » ne se combine pas avec les autres.';
    return null;
  }
  return question.required && !answer ? 'Choisissez une réponse.' : null;
}

/** Every answered question, and an empty list for an unanswered multiple or procedures question (« none »). */
export function answersToSend(questions: Question[], answers: Record<string, Answer>): Record<string, Answer> {
  const sent: Record<string, Answer> = {};
  for (const question of questions) {
    const answer = answers[question.id];
    if (answer !== undefined) sent[question.id] = answer;
    else if (question.kind !== 'single') sent[question.id] = [];
  }
  return sent;
}
