import { Type } from '@sinclair/typebox';
import { literalUnion, strictObject, Timestamp, Uuid } from './common';
import { defineEvent } from './event-definition';

export const DeliveryOutcome = strictObject(
  {
    deliveryId: Uuid,
    channel: literalUnion(['email', 'sms', 'webhook'] as const),
    /** The event type that caused the message (e.g. fr.relais.referral.referral.requested.v1). */
    cause: Type.String(),
    referralId: Type.Union([Uuid, Type.Null()]),
    recipientStructureId: Type.Union([Uuid, Type.Null()]),
    status: literalUnion(['sent', 'delivered', 'failed'] as const),
    attempt: Type.Integer({ minimum: 1 }),
    reason: Type.Union([Type.String(), Type.Null()]),
    at: Timestamp,
  },
  'Le sort d’un message envoyé (courriel, SMS, webhook), sans adresse ni numéro',
);

export const notificationEvents = {
  deliveryOutcome: defineEvent({
    type: 'fr.relais.notification.delivery.outcome.v1',
    topic: 'relais.notification.delivery.v1',
    schema: DeliveryOutcome,
    key: (payload) => payload.deliveryId,
    publisher: 'notification',
    consumers: ['reporting'],
    summary: 'Un message a été envoyé, remis, ou n’a pas pu l’être.',
  }),
};
