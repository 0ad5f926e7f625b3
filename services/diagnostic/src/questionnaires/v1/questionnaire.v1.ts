import type { Questionnaire } from '../questionnaire.types';

/**
 * Questionnaire version 1 — frozen once an assessment has used it (its hash is stored at first use and
 * the service refuses to start if this file changes afterwards): edit wording in a new version folder.
 *
 * Built from the field: the Morbihan pilots' survey of people met at CAF, CPAM, MSA, CCAS and France
 * Travail desks (equipment, connection, knowledge of the tools, fear of making mistakes, administrative
 * language), the mountain département's diagnostic (mobility, no nearby public desk, procedures first in
 * line: CAF, France Travail, Assurance maladie, retraite, carte grise, énergie, déclaration de revenus) and
 * the conseillers numériques' triage (urgency, wish to learn, technicality of the need).
 */
export const questionnaireV1: Questionnaire = {
  version: '1',
  title: "Diagnostic d'autonomie numérique",
  introduction:
    "Je vais vous poser quelques questions sur votre téléphone, votre ordinateur et les démarches que vous faites sur internet. " +
    "Il n'y a pas de bonne ou de mauvaise réponse : c'est pour trouver qui peut vous aider, et comment. Cela prend cinq minutes.",
  sections: [
    {
      id: 'equipement',
      title: 'Équipement',
      intro: 'Sans matériel, pas de démarche en ligne ni de progression possible : on vérifie ce que la personne a sous la main.',
      questions: [
        {
          id: 'smartphone',
          kind: 'single',
          text: 'Avez-vous un smartphone, un téléphone qui va sur internet ?',
          help: 'Un smartphone a un écran tactile et des applications. Un téléphone à touches ne compte pas.',
          required: true,
          options: [
            { value: 'oui-internet', label: 'Oui, avec internet' },
            { value: 'oui-sans-internet', label: 'Oui, mais sans forfait internet ou souvent sans crédit' },
            { value: 'non', label: 'Non' },
          ],
        },
        {
          id: 'ordinateur',
          kind: 'single',
          text: 'Avez-vous chez vous un ordinateur ou une tablette qui fonctionne ?',
          help: "Un ordinateur prêté par un proche qu'on peut utiliser quand on veut compte comme « chez un proche ».",
          required: true,
          options: [
            { value: 'oui', label: 'Oui' },
            { value: 'chez-un-proche', label: "Non, mais je peux utiliser celui d'un proche" },
            { value: 'non', label: 'Non' },
          ],
        },
        {
          id: 'imprimante-scanner',
          kind: 'single',
          text: 'Pouvez-vous imprimer ou scanner un papier, chez vous ou chez un proche ?',
          help: 'Prendre en photo un papier avec son téléphone pour l’envoyer compte comme « scanner » si la personne sait le faire.',
          required: true,
          options: [
            { value: 'oui', label: 'Oui' },
            { value: 'non', label: 'Non' },
          ],
        },
      ],
    },
    {
      id: 'connexion',
      title: 'Connexion',
      intro: 'Une connexion à domicile permet de faire ses démarches quand on veut ; sans elle, il faut un lieu en accès libre.',
      questions: [
        {
          id: 'connexion-domicile',
          kind: 'single',
          text: 'Avez-vous internet chez vous ?',
          help: 'La « box » est le boîtier de l’opérateur (ADSL, fibre). Le partage de connexion du téléphone compte comme « forfait du téléphone ».',
          required: true,
          options: [
            { value: 'box', label: 'Oui, une box (ADSL, fibre, satellite)' },
            { value: 'forfait-telephone', label: 'Seulement avec le forfait du téléphone' },
            { value: 'non', label: 'Non' },
          ],
        },
      ],
    },
    {
      id: 'competences',
      title: 'Compétences de base',
      intro: 'Quatre gestes suffisent pour la plupart des démarches : utiliser l’appareil, le courriel, remplir un formulaire, joindre un document, se connecter.',
      questions: [
        {
          id: 'usage-appareil',
          kind: 'single',
          text: 'Savez-vous utiliser seul un téléphone ou un ordinateur : l’allumer, ouvrir une application, écrire un message ?',
          help: 'Si la personne hésite, demandez-lui comment elle a envoyé son dernier message ou sa dernière photo.',
          required: true,
          options: [
            { value: 'seul', label: 'Oui, seul' },
            { value: 'avec-aide', label: 'Avec de l’aide' },
            { value: 'jamais', label: 'Je ne l’ai jamais fait' },
          ],
        },
        {
          id: 'courriel',
          kind: 'single',
          text: 'Avez-vous une adresse e-mail que vous consultez vous-même ?',
          help: 'Une adresse créée par un enfant ou un travailleur social, que la personne ne consulte pas, compte comme « quelqu’un la consulte pour moi ».',
          required: true,
          options: [
            { value: 'oui-seul', label: 'Oui, je la consulte seul' },
            { value: 'oui-avec-aide', label: 'Oui, mais quelqu’un la consulte pour moi ou m’aide' },
            { value: 'non', label: 'Non, ou je n’ai plus le mot de passe' },
          ],
        },
        {
          id: 'formulaire-en-ligne',
          kind: 'single',
          text: 'Avez-vous déjà rempli seul un formulaire sur internet, par exemple pour prendre un rendez-vous ?',
          help: 'Prendre un rendez-vous médical en ligne, s’inscrire sur un site, faire une réclamation : tout cela compte.',
          required: true,
          options: [
            { value: 'seul', label: 'Oui, seul' },
            { value: 'avec-aide', label: 'Oui, avec de l’aide' },
            { value: 'jamais', label: 'Jamais' },
          ],
        },
        {
          id: 'piece-jointe',
          kind: 'single',
          text: 'Savez-vous envoyer un document sur un site ou par e-mail, par exemple la photo d’un justificatif ?',
          help: 'C’est le geste qui bloque le plus souvent les dossiers CAF et France Travail : joindre un justificatif.',
          required: true,
          options: [
            { value: 'seul', label: 'Oui, seul' },
            { value: 'avec-aide', label: 'Avec de l’aide' },
            { value: 'jamais', label: 'Jamais' },
          ],
        },
        {
          id: 'identifiants',
          kind: 'single',
          text: 'Savez-vous vous connecter à vos comptes en ligne : mot de passe, code reçu par SMS, FranceConnect ?',
          help: 'FranceConnect permet d’entrer sur impots.gouv, ameli, la CAF ou l’Assurance retraite avec un seul compte.',
          required: true,
          options: [
            { value: 'seul', label: 'Oui, seul' },
            { value: 'avec-aide', label: 'Avec de l’aide, ou je perds souvent mes mots de passe' },
            { value: 'jamais', label: 'Je n’ai pas de compte, ou je ne sais pas' },
          ],
        },
      ],
    },
    {
      id: 'comprehension',
      title: 'Vocabulaire administratif',
      intro: 'Le langage administratif arrête autant que l’outil : un courrier incompris, c’est un droit qui n’est pas demandé.',
      questions: [
        {
          id: 'vocabulaire-administratif',
          kind: 'single',
          text: 'Quand vous recevez un courrier de la CAF, des impôts ou de France Travail, comprenez-vous ce qu’on vous demande ?',
          help: 'Par exemple « pièce justificative », « revenu fiscal de référence », « actualisation ».',
          required: true,
          options: [
            { value: 'oui', label: 'Oui' },
            { value: 'en-partie', label: 'En partie' },
            { value: 'non', label: 'Non, en général je ne comprends pas' },
          ],
        },
      ],
    },
    {
      id: 'langue',
      title: 'Lire et écrire le français',
      intro: 'Une difficulté de langue ou de lecture demande un accompagnement adapté, pas seulement une formation au numérique.',
      questions: [
        {
          id: 'francais-oral',
          kind: 'single',
          text: 'Parlez-vous et comprenez-vous le français à l’oral ?',
          help: 'L’agent peut répondre d’après la conversation, sans poser la question.',
          required: true,
          options: [
            { value: 'oui', label: 'Oui' },
            { value: 'un-peu', label: 'Un peu' },
            { value: 'non', label: 'Non' },
          ],
        },
        {
          id: 'lecture-ecriture',
          kind: 'single',
          text: 'Lire et écrire en français, pour vous, c’est…',
          help: 'Posez la question avec tact : beaucoup de personnes cachent une difficulté de lecture.',
          required: true,
          options: [
            { value: 'facile', label: 'Facile' },
            { value: 'difficile', label: 'Difficile : je lis lentement, ou j’écris avec difficulté' },
            { value: 'impossible', label: 'Je ne sais pas lire ou écrire le français' },
          ],
        },
        {
          id: 'autres-langues',
          kind: 'multiple',
          text: 'Dans quelle autre langue êtes-vous à l’aise ?',
          help: 'Sert à trouver un lieu où quelqu’un parle cette langue. Facultatif.',
          required: false,
          options: [
            { value: 'aucune', label: 'Aucune autre', exclusive: true },
            { value: 'en', label: 'Anglais' },
            { value: 'ar', label: 'Arabe' },
            { value: 'es', label: 'Espagnol' },
            { value: 'pt', label: 'Portugais' },
            { value: 'tr', label: 'Turc' },
            { value: 'ro', label: 'Roumain' },
            { value: 'ru', label: 'Russe' },
            { value: 'uk', label: 'Ukrainien' },
            { value: 'fsl', label: 'Langue des signes française (LSF)' },
          ],
        },
      ],
    },
    {
      id: 'accessibilite',
      title: 'Handicap et accessibilité',
      intro: 'Un handicap ou un problème de santé peut demander un lieu accessible, un matériel adapté ou un accompagnement à domicile.',
      questions: [
        {
          id: 'besoins-accessibilite',
          kind: 'multiple',
          text: 'Avez-vous besoin d’une adaptation, à cause d’un handicap ou d’un problème de santé ?',
          help: 'Plusieurs réponses possibles. Rien n’est à justifier.',
          required: true,
          options: [
            { value: 'aucun', label: 'Non, aucune', exclusive: true },
            { value: 'vue', label: 'Pour voir l’écran ou lire' },
            { value: 'audition', label: 'Pour entendre' },
            { value: 'mains', label: 'Pour utiliser un clavier ou un écran tactile' },
            { value: 'mobilite-reduite', label: 'Pour me déplacer (fauteuil, marche difficile)' },
            { value: 'comprehension', label: 'Pour comprendre ou retenir' },
          ],
        },
      ],
    },
    {
      id: 'confiance',
      title: 'Confiance',
      intro: 'La peur de se tromper est un frein à part entière ; l’envie d’apprendre dit s’il faut former ou faire pour la personne.',
      questions: [
        {
          id: 'peur-erreur',
          kind: 'single',
          text: 'Avez-vous peur de faire une erreur quand vous faites une démarche sur internet ?',
          help: 'Par exemple : peur de perdre ses droits, de payer par erreur, de « tout casser ».',
          required: true,
          options: [
            { value: 'souvent', label: 'Oui, souvent' },
            { value: 'parfois', label: 'Parfois' },
            { value: 'jamais', label: 'Non' },
          ],
        },
        {
          id: 'envie-apprendre',
          kind: 'single',
          text: 'Aimeriez-vous apprendre à faire ces démarches vous-même ?',
          help: 'Une personne peut ne pas vouloir apprendre : on fera alors avec elle ou pour elle, sans jugement.',
          required: true,
          options: [
            { value: 'oui', label: 'Oui, maintenant' },
            { value: 'plus-tard', label: 'Oui, mais pas maintenant' },
            { value: 'non', label: 'Non, je préfère qu’on le fasse pour moi' },
          ],
        },
      ],
    },
    {
      id: 'mobilite',
      title: 'Se déplacer',
      intro: 'En zone rurale ou de montagne, le lieu le plus proche peut être loin : il faut parfois un service à domicile, itinérant ou à distance.',
      questions: [
        {
          id: 'deplacement',
          kind: 'single',
          text: 'Pouvez-vous vous rendre dans un lieu d’accueil de votre secteur ?',
          help: 'Pensez aux horaires des cars, à la fatigue, au coût du trajet.',
          required: true,
          options: [
            { value: 'facile', label: 'Oui, facilement' },
            { value: 'difficile', label: 'Difficilement' },
            { value: 'impossible', label: 'Non' },
          ],
        },
      ],
    },
    {
      id: 'situation',
      title: 'Situation',
      intro: 'Certains lieux accueillent des publics précis (jeunes, seniors) : l’âge aide à trouver le bon.',
      questions: [
        {
          id: 'tranche-age',
          kind: 'single',
          text: 'Quel âge avez-vous ?',
          help: 'Une tranche suffit ; l’âge exact n’est pas enregistré.',
          required: true,
          options: [
            { value: 'moins-de-26', label: 'Moins de 26 ans' },
            { value: '26-59', label: 'De 26 à 59 ans' },
            { value: '60-74', label: 'De 60 à 74 ans' },
            { value: '75-et-plus', label: '75 ans ou plus' },
          ],
        },
      ],
    },
    {
      id: 'demarches',
      title: 'Démarches à faire',
      intro: 'Une démarche urgente passe avant l’apprentissage : on la fait d’abord, avec ou pour la personne.',
      questions: [
        {
          id: 'demarches-a-faire',
          kind: 'procedures',
          text: 'Avez-vous une démarche à faire dans les semaines qui viennent ? Laquelle, et pour quand ?',
          help: 'Notez chaque démarche et sa date limite si la personne la connaît (sur le courrier reçu). Aucune démarche : laissez la liste vide.',
          required: true,
          options: [
            { value: 'caf', label: 'CAF : prime d’activité, RSA, aides au logement, déclaration trimestrielle' },
            { value: 'impots', label: 'Impôts : déclaration de revenus, avis, prélèvement' },
            { value: 'france-travail', label: 'France Travail : inscription, actualisation' },
            { value: 'sante', label: 'Santé : Assurance maladie (ameli), complémentaire santé solidaire' },
            { value: 'retraite', label: 'Retraite : demande, relevé de carrière' },
            { value: 'msa', label: 'MSA (régime agricole)' },
            { value: 'carte-grise', label: 'Carte grise, permis de conduire (ANTS)' },
            { value: 'titre-sejour', label: 'Titre de séjour (ANEF)' },
            { value: 'energie', label: 'Énergie : chèque énergie, fournisseur d’électricité ou de gaz' },
            { value: 'autre', label: 'Autre démarche' },
          ],
        },
      ],
    },
  ],
};
