import type { RuleSet } from '../rules.types';

/**
 * Scoring and recommendation rules, version 1, for questionnaire version 1. Read top to bottom, they say
 * what an experienced médiateur would decide: how autonomous the person is, what stops them, what to do
 * first. A change of threshold or wording is a new version (`v2/`), so an assessment keeps the rules it
 * was scored with. docs/diagnostic.md explains each rule in French and English.
 */
export const rulesV1: RuleSet = {
  version: '1',
  questionnaireVersion: '1',

  levelLabels: {
    'a-faire-pour': 'à faire pour la personne',
    debutant: 'débutant',
    'partiellement-autonome': 'partiellement autonome',
    autonome: 'autonome',
  },
  barrierLabels: {
    equipement: 'pas d’équipement adapté',
    connexion: 'pas de connexion à domicile',
    langue: 'langue française',
    'lecture-ecriture': 'lecture et écriture',
    handicap: 'handicap ou santé',
    mobilite: 'déplacements difficiles',
    confiance: 'peur de se tromper',
    'vocabulaire-administratif': 'vocabulaire administratif',
  },
  roleLabels: {
    diagnostic: 'diagnostic',
    orientation: 'orientation',
    formation: 'formation',
    accompagnement: 'accompagnement',
    'faire-a-la-place': 'faire à la place (aidant habilité)',
    equipement: 'équipement',
    'acces-libre': 'accès libre',
  },

  // Skills domains: 1 point when the person does it alone, a fraction with help, 0 never.
  domains: [
    {
      id: 'prise-en-main',
      label: 'Utiliser un téléphone ou un ordinateur',
      weight: 1,
      items: [{ question: 'usage-appareil', points: { seul: 1, 'avec-aide': 0.4, jamais: 0 } }],
    },
    {
      id: 'communication',
      label: 'Courriel et pièces jointes',
      weight: 1,
      items: [
        { question: 'courriel', points: { 'oui-seul': 1, 'oui-avec-aide': 0.3, non: 0 } },
        { question: 'piece-jointe', points: { seul: 1, 'avec-aide': 0.4, jamais: 0 } },
      ],
    },
    {
      id: 'demarches-en-ligne',
      label: 'Formulaires en ligne, mots de passe et FranceConnect',
      weight: 1.5,
      items: [
        { question: 'formulaire-en-ligne', points: { seul: 1, 'avec-aide': 0.4, jamais: 0 } },
        { question: 'identifiants', points: { seul: 1, 'avec-aide': 0.4, jamais: 0 } },
      ],
    },
    {
      id: 'comprehension-administrative',
      label: 'Comprendre un courrier administratif',
      weight: 0.5,
      items: [{ question: 'vocabulaire-administratif', points: { oui: 1, 'en-partie': 0.5, non: 0 } }],
    },
  ],

  thresholds: [
    { level: 'autonome', minScore: 80 },
    { level: 'partiellement-autonome', minScore: 55 },
    { level: 'debutant', minScore: 20 },
    { level: 'a-faire-pour', minScore: 0 },
  ],

  caps: [
    {
      id: 'jamais-utilise-un-appareil',
      when: { answer: 'usage-appareil', in: ['jamais'] },
      atMost: 'debutant',
      reason: 'La personne n’a jamais utilisé seule un téléphone ou un ordinateur.',
    },
    {
      id: 'ne-lit-pas-le-francais',
      when: { answer: 'lecture-ecriture', in: ['impossible'] },
      atMost: 'debutant',
      reason: 'Sans lire le français, une démarche écrite ne peut pas se faire seul.',
    },
    {
      id: 'ne-souhaite-pas-apprendre',
      when: { all: [{ answer: 'envie-apprendre', in: ['non'] }, { level: ['debutant', 'a-faire-pour'] }] },
      atMost: 'a-faire-pour',
      reason: 'La personne débute et préfère qu’on fasse pour elle : on respecte ce choix.',
    },
  ],

  coopAutonomy: {
    'a-faire-pour': 'entierement-accompagne',
    debutant: 'entierement-accompagne',
    'partiellement-autonome': 'partiellement-autonome',
    autonome: 'autonome',
  },

  barrierRules: [
    {
      barrier: 'equipement',
      when: { all: [{ not: { answer: 'smartphone', in: ['oui-internet'] } }, { not: { answer: 'ordinateur', in: ['oui'] } }] },
      reason: 'Ni smartphone avec internet, ni ordinateur ou tablette à soi.',
    },
    {
      barrier: 'connexion',
      when: {
        any: [
          { answer: 'connexion-domicile', in: ['non'] },
          { all: [{ answer: 'connexion-domicile', in: ['forfait-telephone'] }, { answer: 'smartphone', in: ['oui-sans-internet', 'non'] }] },
        ],
      },
      reason: 'Pas de connexion internet utilisable à domicile.',
    },
    {
      barrier: 'langue',
      when: { answer: 'francais-oral', in: ['un-peu', 'non'] },
      reason: 'Le français oral n’est pas maîtrisé.',
    },
    {
      barrier: 'lecture-ecriture',
      when: { answer: 'lecture-ecriture', in: ['difficile', 'impossible'] },
      reason: 'Lire ou écrire le français est difficile.',
    },
    {
      barrier: 'handicap',
      when: { answer: 'besoins-accessibilite', includesAny: ['vue', 'audition', 'mains', 'mobilite-reduite', 'comprehension'] },
      reason: 'Un handicap ou un problème de santé demande une adaptation.',
    },
    {
      barrier: 'mobilite',
      when: { answer: 'deplacement', in: ['difficile', 'impossible'] },
      reason: 'Se rendre dans un lieu d’accueil est difficile ou impossible.',
    },
    {
      barrier: 'confiance',
      when: { answer: 'peur-erreur', in: ['souvent'] },
      reason: 'La personne a souvent peur de faire une erreur.',
    },
    {
      barrier: 'vocabulaire-administratif',
      when: { answer: 'vocabulaire-administratif', in: ['non'] },
      reason: 'Les courriers administratifs ne sont pas compris.',
    },
  ],

  procedures: {
    question: 'demarches-a-faire',
    urgentWithinDays: 30,
    unknownDeadlineIsUrgent: true,
    definitions: {
      // data·inclusion v1: the démarche done online, and the domain it belongs to.
      caf: { label: 'CAF', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'] },
      impots: { label: 'impôts', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'] },
      'france-travail': { label: 'France Travail', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives', 'trouver-un-emploi--repondre-a-des-offres-demploi'] },
      sante: { label: 'santé', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'sante--acces-aux-soins'] },
      retraite: { label: 'retraite', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'] },
      msa: { label: 'MSA', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'] },
      'carte-grise': { label: 'carte grise ou permis', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'] },
      'titre-sejour': { label: 'titre de séjour', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete'] },
      energie: { label: 'énergie', thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'] },
      autre: { label: 'autre démarche', thematiques: [] },
    },
  },

  roleRules: [
    {
      id: 'urgence-et-debutant',
      role: 'faire-a-la-place',
      priority: 10,
      when: { all: [{ urgentProcedure: true }, { level: ['a-faire-pour', 'debutant'] }] },
      reason: 'Démarche urgente ({procedures}) et niveau « {level} » : un aidant habilité Aidants Connect la fait à la place de la personne, avec son mandat, avant la date limite.',
    },
    {
      id: 'urgence-et-partiellement-autonome',
      role: 'accompagnement',
      priority: 15,
      when: { all: [{ urgentProcedure: true }, { level: ['partiellement-autonome'] }] },
      reason: 'Démarche urgente ({procedures}) : un médiateur la fait avec la personne, qui sait déjà en faire une partie.',
    },
    {
      id: 'urgence-et-barriere-de-langue',
      role: 'accompagnement',
      priority: 16,
      when: { all: [{ urgentProcedure: true }, { barrier: 'langue' }, { level: ['autonome'] }] },
      reason: 'Démarche urgente ({procedures}) et français mal maîtrisé : la faire avec quelqu’un qui parle sa langue évite une erreur.',
    },
    {
      id: 'prefere-qu-on-fasse-pour-elle',
      role: 'faire-a-la-place',
      priority: 20,
      when: { all: [{ level: ['a-faire-pour'] }, { answer: 'envie-apprendre', in: ['non'] }] },
      reason: 'La personne préfère qu’on fasse pour elle : ses démarches seront faites par un aidant habilité, sous mandat Aidants Connect, quand elles se présenteront.',
    },
    {
      id: 'peur-ou-courriers-incompris',
      role: 'accompagnement',
      priority: 25,
      when: {
        all: [{ any: [{ barrier: 'confiance' }, { barrier: 'vocabulaire-administratif' }] }, { level: ['debutant', 'partiellement-autonome'] }],
      },
      reason: 'Peur de se tromper ou courriers difficiles à comprendre : faire les prochaines démarches avec un médiateur rassure et explique.',
    },
    {
      id: 'adaptation-handicap',
      role: 'accompagnement',
      priority: 28,
      when: { all: [{ barrier: 'handicap' }, { not: { level: ['autonome'] } }] },
      reason: 'Besoin d’adaptation (handicap ou santé) : un accompagnement dans un lieu accessible, ou à domicile, avec du matériel adapté.',
    },
    {
      id: 'sans-equipement',
      role: 'equipement',
      priority: 30,
      when: { barrier: 'equipement' },
      reason: 'Ni smartphone avec internet, ni ordinateur : sans matériel, pas d’autonomie possible. Matériel à prix solidaire ou prêt.',
    },
    {
      id: 'sait-faire-sans-connexion-ni-materiel',
      role: 'acces-libre',
      priority: 35,
      when: { all: [{ level: ['partiellement-autonome', 'autonome'] }, { any: [{ barrier: 'connexion' }, { barrier: 'equipement' }] }] },
      reason: 'La personne sait faire mais n’a pas de connexion ou de matériel : un poste en accès libre (médiathèque, France Services) suffit.',
    },
    {
      id: 'souhaite-apprendre',
      role: 'formation',
      priority: 40,
      when: { all: [{ level: ['a-faire-pour', 'debutant', 'partiellement-autonome'] }, { answer: 'envie-apprendre', in: ['oui', 'plus-tard'] }] },
      reason: 'La personne souhaite apprendre : des ateliers (prise en main, courriel, formulaires, FranceConnect) la rendront autonome pour les prochaines démarches.',
    },
    {
      id: 'debutant-sans-urgence',
      role: 'accompagnement',
      priority: 45,
      when: { all: [{ level: ['a-faire-pour', 'debutant'] }, { not: { urgentProcedure: true } }, { not: { answer: 'envie-apprendre', in: ['non'] } }] },
      reason: 'Niveau « {level} » : pour les démarches qui viendront, un médiateur les fera avec la personne le temps qu’elle apprenne.',
    },
    {
      id: 'sans-imprimante-ni-scanner',
      role: 'acces-libre',
      priority: 50,
      when: { all: [{ level: ['partiellement-autonome', 'autonome'] }, { answer: 'imprimante-scanner', in: ['non'] }] },
      reason: 'Pas d’imprimante ni de scanner : un lieu en accès libre permet d’imprimer ou de numériser un justificatif.',
    },
    {
      id: 'autonome',
      role: 'acces-libre',
      priority: 60,
      when: { level: ['autonome'] },
      reason: 'La personne est autonome : un poste en accès libre suffit pour un besoin ponctuel.',
    },
  ],

  fallback: {
    role: 'accompagnement',
    reason: 'Aucune règle ne s’applique à cette situation : un médiateur fera le point avec la personne.',
  },

  profile: {
    languagesQuestion: 'autres-langues',
    ageQuestion: 'tranche-age',
    publicsByAnswer: {
      'tranche-age': {
        'moins-de-26': ['jeunes-16-26', 'jeunes'],
        '26-59': ['adultes'],
        '60-74': ['adultes', 'seniors', 'seniors-65'],
        '75-et-plus': ['seniors-65', 'seniors'],
      },
      'besoins-accessibilite': {
        vue: ['deficience-visuelle', 'personnes-en-situation-de-handicap'],
        audition: ['surdite', 'personnes-en-situation-de-handicap'],
        mains: ['personnes-en-situation-de-handicap'],
        'mobilite-reduite': ['personnes-en-situation-de-handicap'],
        comprehension: ['handicaps-psychiques', 'handicaps-mentaux', 'personnes-en-situation-de-handicap'],
      },
      'lecture-ecriture': { difficile: ['personnes-en-situation-illettrisme'], impossible: ['personnes-en-situation-illettrisme'] },
      'francais-oral': { 'un-peu': ['public-langues-etrangeres'], non: ['public-langues-etrangeres'] },
    },
  },
};
