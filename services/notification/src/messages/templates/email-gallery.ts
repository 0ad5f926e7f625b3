import { personAccepted, personRedirected } from './person-messages';
import { receiverCancelled, receiverReminder, receiverRequested, senderMoved } from './referral-messages';
import { coordinatorWeekly, receiverDigest, receiverLastReminder } from './scheduled-messages';
import type { RenderedMessage } from './layout';
import type { TemplateName } from './template-names';

const link = 'https://relais.morbihan.example/orientations/lien/k1.eyJ2IjoxfQ.c2lnbmF0dXJl';
const day = (offset: number): string => new Date(Date.UTC(2026, 11, 7 + offset, 15, 0)).toISOString();

/**
 * One rendering of every template with made-up but plausible data (the demo département's places): what
 * docs/notification.md shows as screenshots, and a check that no template is left out of them.
 */
export function emailGallery(): Record<TemplateName, RenderedMessage> {
  return {
    'receiver-requested': receiverRequested({
      senderName: 'CCAS de Vannes',
      serviceName: 'Ateliers numériques',
      needs: ['numerique--prendre-en-main-un-ordinateur', 'demarches--logement'],
      urgency: 'normal',
      acknowledgeDueAt: day(2),
      firstContactDueAt: day(10),
      actionUrl: link,
      actionExpiresAt: day(30),
    }),
    'receiver-reminder': receiverReminder({ serviceName: 'Ateliers numériques', deadline: 'acknowledge', dueAt: day(2), actionUrl: link, actionExpiresAt: day(30) }),
    'receiver-last-reminder': receiverLastReminder({ serviceName: 'Ateliers numériques', senderName: 'CCAS de Vannes', expiresAt: day(30), actionUrl: link }),
    'receiver-cancelled': receiverCancelled({ senderName: 'CCAS de Vannes', serviceName: 'Ateliers numériques' }),
    'receiver-digest': receiverDigest({
      day: day(0),
      workspaceUrl: 'https://relais.morbihan.example/orientations/recues',
      entries: [
        { senderName: 'CCAS de Vannes', serviceName: 'Ateliers numériques', needs: ['numerique--prendre-en-main-un-ordinateur'], acknowledgeDueAt: day(2), actionUrl: link },
        { senderName: 'CAF du Morbihan', serviceName: 'Accompagnement aux démarches', needs: ['demarches--logement'], acknowledgeDueAt: day(3), actionUrl: link },
      ],
    }),
    'sender-moved': senderMoved({
      to: 'completed',
      receiverName: 'Médiathèque de Ploërmel',
      serviceName: 'Ateliers numériques',
      reasonCode: null,
      outcome: { autonomyGained: 'partiel', nextStep: 'Atelier « démarches en ligne » en janvier' },
      workspaceUrl: 'https://relais.morbihan.example/orientations/6f1c2a9e-3b1d-4c55-9a0e-2d7f1b8c4e21',
    }),
    'person-accepted': personAccepted({ structureName: 'Médiathèque de Ploërmel', serviceName: 'Ateliers numériques', channel: 'email' }),
    'person-redirected': personRedirected({ structureName: 'Médiathèque de Ploërmel', serviceName: 'Ateliers numériques' }),
    'coordinator-weekly': coordinatorWeekly({
      networkName: 'Pays de Vannes',
      weekOf: day(0),
      requestedThisWeek: 37,
      overdue: [
        { structureName: 'Association Le Lien numérique', awaitingAcknowledgement: 3, awaitingFirstContact: 1 },
        { structureName: 'France Services de Grand-Champ', awaitingAcknowledgement: 0, awaitingFirstContact: 2 },
      ],
      atCapacity: [{ structureName: 'Médiathèque de Vannes', serviceName: 'Ateliers numériques', openSlotsPerWeek: 0, receivedThisWeek: 4 }],
      dashboardUrl: 'https://relais.morbihan.example/pilotage/7b0c2f9e-3d4a-4c1e-9a55-2f0d8e6b1a10',
    }),
  };
}
