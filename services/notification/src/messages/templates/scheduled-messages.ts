import { frenchDate, frenchDateTime, renderEmail, type Block, type RenderedMessage } from './layout';
import { needWords } from './referral-messages';

const footerForStructure =
  'Vous recevez ce courriel parce que votre structure reçoit des orientations par Relais à cette adresse. Vos préférences (canaux, récapitulatif quotidien, heures calmes) se règlent dans l’espace de travail.';

export interface LastReminderContext {
  serviceName: string;
  senderName: string;
  expiresAt: string;
  actionUrl: string;
}

/** To the receiving structure, the day before a referral nobody acknowledged expires: the last call. */
export function receiverLastReminder(context: LastReminderContext): RenderedMessage {
  const subject = `Dernier rappel : l’orientation de ${context.senderName} expire le ${frenchDate(context.expiresAt)}`;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: `Personne n’a encore accusé réception de l’orientation que ${context.senderName} a adressée à votre service « ${context.serviceName} ». Sans réponse avant le ${frenchDateTime(context.expiresAt)}, elle expirera et ${context.senderName} devra orienter la personne ailleurs.`,
    },
    { kind: 'paragraph', text: 'Si vous ne pouvez pas accompagner cette personne, dites-le : refuser avec un motif ou réorienter vaut mieux que laisser expirer.' },
    { kind: 'action', label: 'Répondre à l’orientation', url: context.actionUrl, note: 'Ce lien personnel vaut pour cette seule orientation.' },
  ];
  const { text, html } = renderEmail(subject, 'Dernier rappel avant expiration', blocks, footerForStructure);
  return { subject, text, html, sms: `Relais : dernier rappel, une orientation expire le ${frenchDate(context.expiresAt)} : ${context.actionUrl}` };
}

export interface DigestEntry {
  senderName: string;
  serviceName: string;
  needs: string[];
  acknowledgeDueAt: string;
  actionUrl: string;
}

/** To a structure that chose it: the day's new referrals in one mail, each with its own action link. */
export function receiverDigest(context: { day: string; entries: DigestEntry[]; workspaceUrl: string }): RenderedMessage {
  const count = context.entries.length;
  const subject = `${count} nouvelle${count > 1 ? 's' : ''} orientation${count > 1 ? 's' : ''} le ${frenchDate(context.day)}`;
  const blocks: Block[] = [
    { kind: 'paragraph', text: `Voici les orientations reçues par votre structure depuis le dernier récapitulatif. Chaque lien vaut pour une seule orientation.` },
    ...context.entries.flatMap((entry, index): Block[] => [
      {
        kind: 'facts',
        items: [
          [`${index + 1}. De`, entry.senderName],
          ['Service', entry.serviceName],
          ['Besoin', entry.needs.length === 0 ? 'non précisé' : entry.needs.map(needWords).join(', ')],
          ['Accuser réception avant le', frenchDateTime(entry.acknowledgeDueAt)],
        ],
      },
      { kind: 'action', label: `Voir l’orientation ${index + 1}`, url: entry.actionUrl },
    ]),
  ];
  const { text, html } = renderEmail(subject, 'Vos nouvelles orientations du jour', blocks, footerForStructure);
  return { subject, text, html, sms: `Relais : ${subject}. Voir : ${context.workspaceUrl}` };
}

export interface WeeklySummaryContext {
  networkName: string;
  weekOf: string;
  /** Structures with referrals past their deadline, and how many. */
  overdue: Array<{ structureName: string; awaitingAcknowledgement: number; awaitingFirstContact: number }>;
  /** Services that say they take no one more this week, or received as many referrals as their weekly places. */
  atCapacity: Array<{ structureName: string; serviceName: string; openSlotsPerWeek: number | null; receivedThisWeek: number }>;
  requestedThisWeek: number;
  dashboardUrl: string;
}

/** To a network's coordinators, each Monday: what waits past its deadline, and where there is no room left. */
export function coordinatorWeekly(context: WeeklySummaryContext): RenderedMessage {
  const overdueCount = context.overdue.reduce((sum, line) => sum + line.awaitingAcknowledgement + line.awaitingFirstContact, 0);
  const subject = `Réseau ${context.networkName} : ${overdueCount} orientation${overdueCount > 1 ? 's' : ''} en retard, ${context.atCapacity.length} service${context.atCapacity.length > 1 ? 's' : ''} complet${context.atCapacity.length > 1 ? 's' : ''}`;
  const blocks: Block[] = [
    { kind: 'paragraph', text: `Semaine du ${frenchDate(context.weekOf)} : ${context.requestedThisWeek} orientation${context.requestedThisWeek > 1 ? 's' : ''} envoyée${context.requestedThisWeek > 1 ? 's' : ''} dans le réseau ces sept derniers jours.` },
    { kind: 'paragraph', text: context.overdue.length === 0 ? 'Aucune orientation en retard.' : 'Orientations en retard, par structure destinataire :' },
    ...(context.overdue.length === 0
      ? []
      : [{
          kind: 'facts',
          items: context.overdue.map(({ structureName, awaitingAcknowledgement, awaitingFirstContact }): [string, string] => [
            structureName,
            [awaitingAcknowledgement > 0 ? `${awaitingAcknowledgement} sans accusé de réception` : '', awaitingFirstContact > 0 ? `${awaitingFirstContact} sans premier contact` : '']
              .filter(Boolean)
              .join(', '),
          ]),
        } satisfies Block]),
    { kind: 'paragraph', text: context.atCapacity.length === 0 ? 'Aucun service complet.' : 'Services complets cette semaine :' },
    ...(context.atCapacity.length === 0
      ? []
      : [{
          kind: 'facts',
          items: context.atCapacity.map(({ structureName, serviceName, openSlotsPerWeek, receivedThisWeek }): [string, string] => [
            `${structureName} — ${serviceName}`,
            openSlotsPerWeek === 0 ? 'aucune place cette semaine' : `${receivedThisWeek} orientation${receivedThisWeek > 1 ? 's' : ''} pour ${openSlotsPerWeek ?? 0} place${(openSlotsPerWeek ?? 0) > 1 ? 's' : ''}`,
          ]),
        } satisfies Block]),
    { kind: 'action', label: 'Ouvrir le pilotage du réseau', url: context.dashboardUrl },
  ];
  const { text, html } = renderEmail(subject, `Réseau ${context.networkName} : la semaine`, blocks, 'Vous recevez ce courriel parce que vous coordonnez ce réseau local dans l’annuaire Relais.');
  return { subject, text, html, sms: null };
}
