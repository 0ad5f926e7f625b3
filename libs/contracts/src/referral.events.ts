import { Type, type Static } from '@sinclair/typebox';
import { Actor, literalUnion, PersonRef, strictObject, Timestamp, Uuid } from './common';
import { defineEvent, type EventDefinition } from './event-definition';

export const referralStatuses = [
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'redirected',
  'in-progress',
  'on-hold',
  'completed',
  'failed',
  'cancelled',
  'expired',
] as const;
export type ReferralStatus = (typeof referralStatuses)[number];
const Status = literalUnion(referralStatuses);

const parties = {
  referralId: Uuid,
  personRef: PersonRef,
  sendingStructureId: Uuid,
  receivingStructureId: Uuid,
  receivingServiceId: Uuid,
  networkId: Type.Union([Uuid, Type.Null()]),
};

export const ReferralRequested = strictObject(
  {
    ...parties,
    /** The referral this one continues (a redirect), so a journey reads as a chain. */
    previousReferralId: Type.Union([Uuid, Type.Null()]),
    needs: Type.Array(Type.String()),
    urgency: literalUnion(['normal', 'urgent'] as const),
    assessmentId: Type.Union([Uuid, Type.Null()]),
    consent: strictObject({
      scope: Type.Array(literalUnion(['contact', 'reason', 'assessment'] as const)),
      method: literalUnion(['oral', 'written', 'electronic'] as const),
      expiresAt: Type.Union([Timestamp, Type.Null()]),
    }),
    acknowledgeDueAt: Timestamp,
    firstContactDueAt: Timestamp,
    by: Actor,
    at: Timestamp,
  },
  'Une orientation envoyée à un service, sans identifiant direct de la personne',
);

export const ReferralOutcome = strictObject({
  summary: Type.Union([Type.String(), Type.Null()], {
    description:
      'Toujours null sur le fil : le texte libre du résultat peut parler de la personne, il reste chiffré dans le service orientation (lisible par les deux structures) et disparaît avec elle',
  }),
  autonomyGained: Type.Union([literalUnion(['aucun', 'partiel', 'complet'] as const), Type.Null()]),
  nextStep: Type.Union([Type.String(), Type.Null()], { description: 'Étape suivante proposée (un rôle ou un thème)' }),
});

export const ReferralTransitioned = strictObject(
  {
    ...parties,
    from: Status,
    to: Status,
    reasonCode: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.Union([ReferralOutcome, Type.Null()]),
    /** For `redirected`: the new referral created for the new actor. */
    redirectedToReferralId: Type.Union([Uuid, Type.Null()]),
    by: Actor,
    at: Timestamp,
  },
  'Un changement d’état d’une orientation : qui, quand, pourquoi',
);

export const ReferralReminderDue = strictObject({
  ...parties,
  deadline: literalUnion(['acknowledge', 'first-contact'] as const),
  dueAt: Timestamp,
  at: Timestamp,
});

export const ReferralConsentRevoked = strictObject({ ...parties, by: Actor, at: Timestamp });
export const ReferralPersonErased = strictObject({ ...parties, at: Timestamp });

/**
 * A structure became linked to a person: it registered them, sent or received one of their referrals.
 * Only linked structures may use the person's reference (see docs/security.md); the diagnostic keeps
 * these links to check the reference an agent gives it.
 */
export const PersonLinked = strictObject(
  {
    personRef: PersonRef,
    structureId: Uuid,
    via: literalUnion(['registered', 'referral-sent', 'referral-received', 'assessment'] as const),
    at: Timestamp,
  },
  'Une structure est désormais liée à une personne et peut utiliser sa référence',
);

/** Everything about a person is erased, in every service; counts remain. */
export const PersonErased = strictObject(
  { personRef: PersonRef, by: Actor, at: Timestamp },
  'Une personne a été effacée (droit à l’effacement) : chaque service efface ce qu’il garde d’elle',
);

const topic = 'relais.referral.referral.v1';
const personTopic = 'relais.referral.person.v1';
const consumers: EventDefinition['consumers'] = ['notification', 'reporting'];
/** The diagnostic also follows what decides who may read an assessment: the referral carrying it, its consent, erasure. */
const consumersAndDiagnostic: EventDefinition['consumers'] = ['diagnostic', ...consumers];

function transition<const T extends string>(type: T, summary: string) {
  return defineEvent({
    type,
    topic,
    schema: ReferralTransitioned,
    key: (payload: Static<typeof ReferralTransitioned>) => payload.referralId,
    publisher: 'referral',
    consumers,
    summary,
  });
}

export const referralEvents = {
  requested: defineEvent({
    type: 'fr.relais.referral.referral.requested.v1',
    topic,
    schema: ReferralRequested,
    key: (payload) => payload.referralId,
    publisher: 'referral',
    consumers: consumersAndDiagnostic,
    summary: 'Une structure oriente une personne vers un service : l’orientation attend d’être prise en compte.',
  }),
  received: transition('fr.relais.referral.referral.received.v1', 'Le service destinataire a pris connaissance de l’orientation (accusé de réception).'),
  accepted: transition('fr.relais.referral.referral.accepted.v1', 'Le service destinataire accepte d’accompagner la personne.'),
  rejected: transition('fr.relais.referral.referral.rejected.v1', 'Le service destinataire refuse l’orientation, avec un motif.'),
  redirected: transition('fr.relais.referral.referral.redirected.v1', 'Le service destinataire réoriente la personne vers un autre service (une nouvelle orientation suit).'),
  started: transition('fr.relais.referral.referral.started.v1', 'Le premier contact a eu lieu : l’accompagnement a commencé.'),
  putOnHold: transition('fr.relais.referral.referral.put-on-hold.v1', 'L’accompagnement est suspendu.'),
  resumed: transition('fr.relais.referral.referral.resumed.v1', 'L’accompagnement reprend après une suspension.'),
  completed: transition('fr.relais.referral.referral.completed.v1', 'L’accompagnement est terminé ; le résultat est transmis à la structure d’origine.'),
  failed: transition('fr.relais.referral.referral.failed.v1', 'L’accompagnement n’a pas abouti (absence, abandon…), avec un motif.'),
  cancelled: transition('fr.relais.referral.referral.cancelled.v1', 'La structure d’origine annule l’orientation.'),
  expired: transition('fr.relais.referral.referral.expired.v1', 'Sans accusé de réception dans le délai, l’orientation a expiré.'),
  reminderDue: defineEvent({
    type: 'fr.relais.referral.referral.reminder-due.v1',
    topic,
    schema: ReferralReminderDue,
    key: (payload) => payload.referralId,
    publisher: 'referral',
    consumers,
    summary: 'Une échéance approche (accusé de réception ou premier contact) : le service destinataire doit être relancé.',
  }),
  consentRevoked: defineEvent({
    type: 'fr.relais.referral.referral.consent-revoked.v1',
    topic,
    schema: ReferralConsentRevoked,
    key: (payload) => payload.referralId,
    publisher: 'referral',
    consumers: consumersAndDiagnostic,
    summary: 'La personne a retiré son consentement : ses données ne sont plus partagées.',
  }),
  personErased: defineEvent({
    type: 'fr.relais.referral.referral.person-erased.v1',
    topic,
    schema: ReferralPersonErased,
    key: (payload) => payload.referralId,
    publisher: 'referral',
    // The other services erase on `person.erased.v1`, once per person; this one keeps per-referral counts right.
    consumers: ['reporting'],
    summary: 'Les données personnelles de la personne ont été effacées ; les compteurs restent justes.',
  }),
  personLinked: defineEvent({
    type: 'fr.relais.referral.person.linked.v1',
    topic: personTopic,
    schema: PersonLinked,
    key: (payload) => payload.personRef,
    publisher: 'referral',
    // Reporting counts every event it reads (its activity projection); this one comes on the persons topic it reads anyway.
    consumers: ['diagnostic', 'reporting'],
    summary: 'Une structure est liée à une personne (elle l’a enregistrée, l’a orientée ou la reçoit) : elle peut utiliser sa référence.',
  }),
  personErasedEverywhere: defineEvent({
    type: 'fr.relais.referral.person.erased.v1',
    topic: personTopic,
    schema: PersonErased,
    key: (payload) => payload.personRef,
    publisher: 'referral',
    consumers: ['diagnostic', 'notification', 'reporting'],
    summary: 'Une personne est effacée à la demande d’une structure liée ou du délégué à la protection des données : chaque service efface ce qu’il garde d’elle, les compteurs restent.',
  }),
};
