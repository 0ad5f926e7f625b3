/**
 * A questionnaire is data, not code: an agent who is not a digital specialist reads each question aloud,
 * ticks an option, and may read the help text when the person hesitates. Versions are immutable once
 * used: a change of wording or options is a new version, so a past assessment always reads against the
 * questions that were actually asked.
 */

export type QuestionKind =
  /** One option among several. */
  | 'single'
  /** Several options; an option marked `exclusive` (e.g. « aucun ») cannot be combined with others. */
  | 'multiple'
  /** Procedures to do, each with an optional deadline (ISO date). */
  | 'procedures';

export interface AnswerOption {
  value: string;
  label: string;
  help?: string;
  /** For `multiple`: this option excludes every other (« aucun », « aucune »). */
  exclusive?: boolean;
}

export interface Question {
  id: string;
  kind: QuestionKind;
  /** Worded to be read aloud to the person, in plain French. */
  text: string;
  /** What the agent can add when the person hesitates, or how to note the answer. */
  help: string;
  required: boolean;
  options: AnswerOption[];
}

export interface Section {
  id: string;
  title: string;
  /** Why the section is asked, for the agent. */
  intro: string;
  questions: Question[];
}

export interface Questionnaire {
  /** Stable, never reused for other content. */
  version: string;
  title: string;
  /** Read to the person before starting. */
  introduction: string;
  sections: Section[];
}

export interface ProcedureAnswer {
  procedure: string;
  /** ISO date (YYYY-MM-DD), or null when the person does not know. */
  deadline: string | null;
}

export type AnswerValue = string | string[] | ProcedureAnswer[];

/** Answers keyed by question id, validated against their questionnaire version. */
export type Answers = Readonly<Record<string, AnswerValue>>;
