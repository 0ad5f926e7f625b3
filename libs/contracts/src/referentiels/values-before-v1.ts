/**
 * What Relais's values before data·inclusion v1 became (docs/standards.md, "data·inclusion v1", the table
 * old → new). Frozen: the migrations that moved stored data read it (the directory's services, the
 * referrals' needs), as do the import's v0 mapping and the diagnostic's old assessments. One old value may
 * become several v1 values (a démarche accompanied online is both numérique and administrative), or none
 * when v1 has nothing that says it (then `feesDetails`, or nothing, keeps the precision).
 */
import type { frais, publics, thematiques } from './data-inclusion-v1';

type Thematique = (typeof thematiques)[number]['value'];
type Public = (typeof publics)[number]['value'];
type Frais = (typeof frais)[number]['value'];

export const thematiquesBeforeV1: Record<string, readonly Thematique[]> = {
  'numerique--acceder-a-du-materiel': ['numerique--acquerir-un-equipement'],
  'numerique--acceder-a-une-connexion-internet': ['numerique--acceder-a-une-connexion-internet'],
  'numerique--accompagner-les-demarches-de-sante': ['numerique--acceder-a-des-services-en-ligne', 'sante--acces-aux-soins'],
  'numerique--approfondir-ma-culture-numerique': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'numerique--creer-avec-le-numerique': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'numerique--creer-et-developper-mon-entreprise': ['creer-une-entreprise--developper-son-entreprise'],
  'numerique--devenir-autonome-dans-les-demarches-administratives': ['numerique--acceder-a-des-services-en-ligne'],
  'numerique--favoriser-mon-insertion-professionnelle': ['numerique--maitriser-les-fondamentaux-du-numerique', 'trouver-un-emploi--repondre-a-des-offres-demploi'],
  'numerique--prendre-en-main-un-ordinateur': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'numerique--prendre-en-main-un-smartphone-ou-une-tablette': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'numerique--promouvoir-la-citoyennete-numerique': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'numerique--realiser-des-demarches-administratives-avec-un-accompagnement': [
    'numerique--acceder-a-des-services-en-ligne',
    'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives',
  ],
  'numerique--s-equiper-en-materiel-informatique': ['numerique--acquerir-un-equipement'],
  'numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique': ['famille--soutien-a-la-parentalite-et-a-leducation'],
  'numerique--utiliser-le-numerique-au-quotidien': ['numerique--maitriser-les-fondamentaux-du-numerique'],
  'demarches--papiers': ['difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'],
  'demarches--famille': ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'],
  'demarches--social': ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'],
  'demarches--travail': ['trouver-un-emploi--repondre-a-des-offres-demploi'],
  'demarches--logement': ['logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement'],
  'demarches--transports': ['mobilite--etre-accompagne-dans-son-parcours-mobilite'],
  'demarches--argent': ['difficultes-financieres--ameliorer-sa-gestion-budgetaire'],
  'demarches--sante': ['sante--acces-aux-soins'],
  'demarches--retraite': ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'],
  'demarches--justice': ['difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire'],
  'demarches--etranger': ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete'],
};

export const publicsBeforeV1: Record<string, Public> = {
  'tous-publics': 'tous-publics',
  jeunes: 'jeunes',
  etudiants: 'etudiants',
  familles: 'familles',
  femmes: 'femmes',
  seniors: 'seniors',
  retraites: 'seniors',
  'demandeurs-emploi': 'demandeurs-emploi',
  salaries: 'actifs',
  'beneficiaires-minima-sociaux': 'beneficiaires-des-minimas-sociaux',
  'personnes-handicapees': 'personnes-en-situation-de-handicap',
  'personnes-de-nationalite-etrangere': 'personnes-exilees',
  'personnes-sans-domicile': 'personnes-en-situation-durgence',
};

/** Fees: v1 says only gratuit or payant; the rest of the old value goes to `feesDetails`. */
export const feesBeforeV1: Record<string, { fee: Frais; details?: string }> = {
  gratuit: { fee: 'gratuit' },
  payant: { fee: 'payant' },
  'gratuit-sous-conditions': { fee: 'gratuit', details: 'Gratuit sous conditions' },
  adhesion: { fee: 'payant', details: 'Adhésion' },
  'pass-numerique': { fee: 'payant', details: 'Pass numérique accepté' },
};
