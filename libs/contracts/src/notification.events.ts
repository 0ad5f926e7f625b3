import { Type } from '@sinclair/typebox';
import { literalUnion, strictObject, Timestamp, Uuid } from './common';
import { defineEvent } from './event-definition';

const deliveryOutcomeV1Properties = {
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
};

export const DeliveryOutcome = strictObject(deliveryOutcomeV1Properties, 'Le sort d’un message envoyé (courriel, SMS, webhook), sans adresse ni numéro');

/**
 * v2: `bounced` joins the statuses (an SMTP 5xx for the recipient, a provider's hard bounce), and a
 * `delivered` comes from the provider's receipt. v1 said `failed` for both kinds of loss.
 */
export const DeliveryOutcomeV2 = strictObject(
  {
    ...deliveryOutcomeV1Properties,
    status: literalUnion(['sent', 'delivered', 'bounced', 'failed'] as const),
  },
  'Le sort d’un message envoyé (courriel, SMS, webhook) : envoyé, remis, rejeté par le destinataire (bounced) ou abandonné ; sans adresse ni numéro',
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
  deliveryOutcomeV2: defineEvent({
    type: 'fr.relais.notification.delivery.outcome.v2',
    topic: 'relais.notification.delivery.v1',
    schema: DeliveryOutcomeV2,
    key: (payload) => payload.deliveryId,
    publisher: 'notification',
    // Reporting's activity projection counts every event type of the catalog per day.
    consumers: ['reporting'],
    summary: 'Un message a été envoyé, remis (accusé du fournisseur), rejeté par le destinataire, ou n’a pas pu l’être.',
  }),
};
