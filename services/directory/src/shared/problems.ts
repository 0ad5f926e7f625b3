import { problemResponses } from '@relais/platform';

/** The platform's problem+json responses (ProblemView of @relais/platform), worded for directory records. */
export const ApiProblems = problemResponses({
  400: 'Paramètres ou corps invalides : chaque champ en erreur est listé',
  401: 'Jeton absent ou invalide',
  403: "L'appelant n'a pas le droit de modifier cette fiche",
  404: 'Fiche introuvable',
  409: 'La modification contredit une règle (ex. faire à la place sans habilitation)',
  413: 'Fichier ou corps trop volumineux',
  422: 'Requête bien formée mais impossible à appliquer (fichier illisible, refusé en entier)',
});
