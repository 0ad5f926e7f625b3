import { Type } from '@sinclair/typebox';
import { Actor, CommuneCode, literalUnion, PersonRef, ServiceRole, strictObject, Timestamp, Uuid } from './common';
import { defineEvent } from './event-definition';

export const autonomyLevels = ['a-faire-pour', 'debutant', 'partiellement-autonome', 'autonome'] as const;
export const barriers = ['equipement', 'connexion', 'langue', 'lecture-ecriture', 'handicap', 'mobilite', 'confiance', 'vocabulaire-administratif'] as const;

export const AssessmentCompleted = strictObject(
  {
    assessmentId: Uuid,
    personRef: PersonRef,
    questionnaireVersion: Type.String(),
    level: literalUnion(autonomyLevels),
    /** The same level on the three-step autonomy field conseillers numériques record (La Coop de la médiation numérique). */
    coopAutonomy: literalUnion(['entierement-accompagne', 'partiellement-autonome', 'autonome'] as const),
    /** Version of the scoring and recommendation rules the result came from. */
    rulesVersion: Type.String(),
    barriers: Type.Array(literalUnion(barriers)),
    urgentProcedures: Type.Array(strictObject({ procedure: Type.String(), deadline: Type.Union([Type.String({ format: 'date' }), Type.Null()]) })),
    recommendedRoles: Type.Array(ServiceRole),
    communeCode: CommuneCode,
    networkId: Type.Union([Uuid, Type.Null()]),
    by: Actor,
    completedAt: Timestamp,
  },
  'Un diagnostic d’autonomie numérique terminé, sans aucun identifiant direct',
);

export const diagnosticEvents = {
  assessmentCompleted: defineEvent({
    type: 'fr.relais.diagnostic.assessment.completed.v1',
    topic: 'relais.diagnostic.assessment.v1',
    schema: AssessmentCompleted,
    key: (payload) => payload.assessmentId,
    publisher: 'diagnostic',
    consumers: ['referral', 'reporting'],
    summary: 'Un agent a terminé le diagnostic d’une personne : niveau, freins, démarches urgentes, rôles recommandés.',
  }),
};
