import type { AnswerValue, ProcedureAnswer } from '../../src/questionnaires/questionnaire.types';
import type { AutonomyLevel, Barrier, ServiceRole } from '../../src/rules/rules.types';
import type { NetworkKey } from './morbihan-directory.fixture';

/**
 * A field scenario: a person as an agent would describe them, the answers they give, and what an
 * experienced médiateur expects Relais to say. The title is the description; the answers say it again
 * in the questionnaire's terms.
 */
export interface Scenario {
  title: string;
  /** Where it comes from in the field documents. */
  source: string;
  /** The day of the assessment (Europe/Paris); deadlines are written relative to it with `inDays`. */
  today: string;
  commune: string;
  answers: Record<string, AnswerValue>;
  expect: {
    level: AutonomyLevel;
    /** Exactly these barriers, in any order. */
    barriers: Barrier[];
    /** The recommended roles begin with these, in this order. */
    rolesStartWith: ServiceRole[];
    /** Roles that must not be recommended. */
    rolesExclude?: ServiceRole[];
    /** The first candidate service: its réseau local and the role it answers. */
    firstCandidate: { network: NetworkKey; role: ServiceRole; structure?: RegExp };
    /** A reason the first candidate must give. */
    firstCandidateReason?: RegExp;
    /** A reason of the first recommended role. */
    firstRoleReason?: RegExp;
    /** Structures that must not appear among the candidates. */
    candidatesExclude?: RegExp[];
  };
}

export const TODAY = '2026-04-20'; // a Monday in tax-return season

/** ISO date `days` after `from`. */
export function inDays(days: number, from: string = TODAY): string {
  const date = new Date(`${from}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function procedure(name: string, deadline: string | null): ProcedureAnswer {
  return { procedure: name, deadline };
}

/**
 * A person who does everything alone, has everything, and needs nothing: each scenario says only how
 * its person differs, so the difference is what the reader sees.
 */
export function person(differences: Record<string, AnswerValue>): Record<string, AnswerValue> {
  return {
    smartphone: 'oui-internet',
    ordinateur: 'oui',
    'imprimante-scanner': 'oui',
    'connexion-domicile': 'box',
    'usage-appareil': 'seul',
    courriel: 'oui-seul',
    'formulaire-en-ligne': 'seul',
    'piece-jointe': 'seul',
    identifiants: 'seul',
    'vocabulaire-administratif': 'oui',
    'francais-oral': 'oui',
    'lecture-ecriture': 'facile',
    'autres-langues': ['aucune'],
    'besoins-accessibilite': ['aucun'],
    'peur-erreur': 'jamais',
    'envie-apprendre': 'oui',
    deplacement: 'facile',
    'tranche-age': '26-59',
    'demarches-a-faire': [],
    ...differences,
  };
}

/** Never used a device, no email, no account: the answers of someone the digital world passed by. */
export const neverUsedDigital = {
  'usage-appareil': 'jamais',
  courriel: 'non',
  'formulaire-en-ligne': 'jamais',
  'piece-jointe': 'jamais',
  identifiants: 'jamais',
} as const;

/** Uses a smartphone for messages and photos, but needs help for anything administrative. */
export const smartphoneOnlyBeginner = {
  ordinateur: 'non',
  'usage-appareil': 'seul',
  courriel: 'oui-avec-aide',
  'formulaire-en-ligne': 'avec-aide',
  'piece-jointe': 'jamais',
  identifiants: 'avec-aide',
} as const;
