import type { FieldError } from '@relais/platform';
import type { Answers, AnswerValue, ProcedureAnswer, Question, Questionnaire } from './questionnaire.types';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isValidIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function labelList(question: Question): string {
  return question.options.map((o) => `« ${o.value} »`).join(', ');
}

/**
 * Checks answers against their questionnaire version and lists every problem at once (a missing answer,
 * an unknown option, a malformed deadline…), so the agent fixes the form in one go.
 * Returns the answers normalised (multiple choices de-duplicated) when there is no problem.
 */
export function validateAnswers(questionnaire: Questionnaire, raw: unknown): { answers: Answers; errors: [] } | { answers: null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { answers: null, errors: [{ field: 'answers', message: 'les réponses doivent être un objet { identifiant de question: réponse }' }] };
  }
  const given = raw as Record<string, unknown>;
  const questions = questionnaire.sections.flatMap((s) => s.questions);
  const known = new Set(questions.map((q) => q.id));
  const answers: Record<string, AnswerValue> = {};

  for (const id of Object.keys(given)) {
    if (!known.has(id)) errors.push({ field: `answers.${id}`, message: `la question « ${id} » n'existe pas dans la version ${questionnaire.version} du questionnaire` });
  }

  for (const question of questions) {
    const field = `answers.${question.id}`;
    const value = given[question.id];
    if (value === undefined || value === null) {
      if (question.required) errors.push({ field, message: `réponse manquante : « ${question.text} »` });
      continue;
    }
    const allowed = new Set(question.options.map((o) => o.value));
    switch (question.kind) {
      case 'single': {
        if (typeof value !== 'string' || !allowed.has(value)) {
          errors.push({ field, message: `réponse invalide : une seule valeur parmi ${labelList(question)}` });
        } else {
          answers[question.id] = value;
        }
        break;
      }
      case 'multiple': {
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
          errors.push({ field, message: `réponse invalide : une liste de valeurs parmi ${labelList(question)}` });
          break;
        }
        const values = [...new Set(value as string[])];
        const unknown = values.filter((v) => !allowed.has(v));
        if (unknown.length > 0) errors.push({ field, message: `valeur(s) inconnue(s) ${unknown.map((v) => `« ${v} »`).join(', ')} ; valeurs possibles : ${labelList(question)}` });
        if (values.length === 0 && question.required) errors.push({ field, message: `au moins une réponse est attendue : « ${question.text} »` });
        const exclusive = question.options.filter((o) => o.exclusive && values.includes(o.value));
        if (exclusive.length > 0 && values.length > 1) {
          errors.push({ field, message: `« ${exclusive[0]?.value ?? ''} » ne se combine pas avec d'autres réponses` });
        }
        if (unknown.length === 0) answers[question.id] = values;
        break;
      }
      case 'procedures': {
        if (!Array.isArray(value)) {
          errors.push({ field, message: 'réponse invalide : une liste de démarches { procedure, deadline }, vide s’il n’y en a pas' });
          break;
        }
        const procedures: ProcedureAnswer[] = [];
        value.forEach((item: unknown, index) => {
          const itemField = `${field}[${index}]`;
          if (item === null || typeof item !== 'object' || Array.isArray(item)) {
            errors.push({ field: itemField, message: 'chaque démarche est un objet { procedure, deadline }' });
            return;
          }
          const { procedure, deadline, ...rest } = item as Record<string, unknown>;
          for (const extra of Object.keys(rest)) errors.push({ field: `${itemField}.${extra}`, message: `le champ « ${extra} » n'est pas autorisé` });
          if (typeof procedure !== 'string' || !allowed.has(procedure)) {
            errors.push({ field: `${itemField}.procedure`, message: `démarche inconnue ; valeurs possibles : ${labelList(question)}` });
          } else if (procedures.some((p) => p.procedure === procedure)) {
            errors.push({ field: `${itemField}.procedure`, message: `la démarche « ${procedure} » est déjà dans la liste` });
          }
          if (deadline !== undefined && deadline !== null && (typeof deadline !== 'string' || !isValidIsoDate(deadline))) {
            errors.push({ field: `${itemField}.deadline`, message: 'la date limite doit être une date AAAA-MM-JJ, ou null si elle est inconnue' });
          }
          if (typeof procedure === 'string') {
            procedures.push({ procedure, deadline: typeof deadline === 'string' ? deadline : null });
          }
        });
        answers[question.id] = procedures;
        break;
      }
    }
  }
  return errors.length > 0 ? { answers: null, errors } : { answers, errors: [] };
}

/** Reading helpers for the rules, tolerant of an unanswered optional question. */
export function singleAnswer(answers: Answers, id: string): string | undefined {
  const value = answers[id];
  return typeof value === 'string' ? value : undefined;
}

export function multipleAnswer(answers: Answers, id: string): string[] {
  const value = answers[id];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value) : [];
}

export function proceduresAnswer(answers: Answers, id: string): ProcedureAnswer[] {
  const value = answers[id];
  return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null) ? (value) : [];
}
