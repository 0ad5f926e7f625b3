import type { ReferralStatus } from '@relais/contracts';
import { frenchDate, frenchDateTime, renderEmail, type Block, type RenderedMessage } from './layout';

export { templateNames, type TemplateName } from './template-names';

const footerForStructure =
  'Vous recevez ce courriel parce que votre structure reçoit des orientations par Relais à cette adresse. Vos préférences (canaux, heures calmes) se règlent dans l’espace de travail.';

/**
 * The needs are the directory's thématique codes (`numerique--prendre-en-main-un-ordinateur`,
 * `demarches--logement`): read as words without a copy of the directory's vocabulary, which may grow.
 */
export function needWords(code: string): string {
  const [category, rest] = code.includes('--') ? (code.split('--', 2) as [string, string]) : ['', code];
  const words = rest.replace(/-/g, ' ');
  return category === 'demarches' ? `démarches : ${words}` : words;
}

const needs = (codes: string[]): string => (codes.length === 0 ? 'non précisé' : codes.map(needWords).join(', '));

export interface RequestedContext {
  senderName: string;
  serviceName: string;
  needs: string[];
  urgency: 'normal' | 'urgent';
  acknowledgeDueAt: string;
  firstContactDueAt: string;
  actionUrl: string;
  actionExpiresAt: string;
}

/** To the receiving structure: a new referral, what it is about, by when, and the link to act on it. */
export function receiverRequested(context: RequestedContext): RenderedMessage {
  const urgent = context.urgency === 'urgent';
  const subject = `${urgent ? '[Urgent] ' : ''}Nouvelle orientation de ${context.senderName} vers « ${context.serviceName} »`;
  const blocks: Block[] = [
    { kind: 'paragraph', text: `${context.senderName} vous oriente une personne pour votre service « ${context.serviceName} ».` },
    {
      kind: 'facts',
      items: [
        ['Besoin', needs(context.needs)],
        ['Urgence', urgent ? 'urgente' : 'normale'],
        ['Accuser réception avant le', frenchDateTime(context.acknowledgeDueAt)],
        ['Premier contact avant le', frenchDateTime(context.firstContactDueAt)],
      ],
    },
    {
      kind: 'paragraph',
      text: 'Les coordonnées de la personne et le motif, si elle a accepté de les partager, sont sur la page de l’orientation : ils ne voyagent jamais par courriel.',
    },
    {
      kind: 'action',
      label: 'Voir l’orientation et y répondre',
      url: context.actionUrl,
      note: `Ce lien personnel vaut pour cette seule orientation, jusqu’à sa clôture ou au plus tard le ${frenchDate(context.actionExpiresAt)}. Ne le transférez pas hors de votre structure.`,
    },
  ];
  const { text, html } = renderEmail(subject, 'Nouvelle orientation', blocks, footerForStructure);
  return {
    subject,
    text,
    html,
    sms: `Relais : nouvelle orientation${urgent ? ' URGENTE' : ''} de ${context.senderName}. Accusez réception avant le ${frenchDate(context.acknowledgeDueAt)} : ${context.actionUrl}`,
  };
}

export interface ReminderContext {
  serviceName: string;
  deadline: 'acknowledge' | 'first-contact';
  dueAt: string;
  actionUrl: string;
  actionExpiresAt: string;
}

/** To the receiving structure: a deadline approaches. */
export function receiverReminder(context: ReminderContext): RenderedMessage {
  const what = context.deadline === 'acknowledge' ? 'accuser réception de' : 'prendre un premier contact pour';
  const subject = `Rappel : ${what} l’orientation vers « ${context.serviceName} »`;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: `Une orientation vers votre service « ${context.serviceName} » attend : il reste à ${
        context.deadline === 'acknowledge' ? 'en accuser réception' : 'prendre un premier contact avec la personne'
      } avant le ${frenchDateTime(context.dueAt)}.`,
    },
    {
      kind: 'paragraph',
      text:
        context.deadline === 'acknowledge'
          ? 'Sans accusé de réception dans le délai du réseau, l’orientation expire et la structure qui l’a envoyée en est avertie.'
          : 'La structure qui a orienté la personne suit la prise en charge.',
    },
    { kind: 'action', label: 'Voir l’orientation', url: context.actionUrl, note: `Lien valable jusqu’à la clôture de l’orientation, au plus tard le ${frenchDate(context.actionExpiresAt)}.` },
  ];
  const { text, html } = renderEmail(subject, 'Une orientation vous attend', blocks, footerForStructure);
  return { subject, text, html, sms: `Relais : rappel, une orientation attend (échéance ${frenchDate(context.dueAt)}) : ${context.actionUrl}` };
}

/** To the receiving structure: the sender cancelled (nothing more to do). */
export function receiverCancelled(context: { senderName: string; serviceName: string }): RenderedMessage {
  const subject = `Orientation annulée par ${context.senderName}`;
  const blocks: Block[] = [
    { kind: 'paragraph', text: `${context.senderName} a annulé l’orientation qu’elle vous avait adressée pour « ${context.serviceName} ». Vous n’avez plus rien à faire pour celle-ci.` },
  ];
  const { text, html } = renderEmail(subject, 'Orientation annulée', blocks, footerForStructure);
  return { subject, text, html, sms: `Relais : ${context.senderName} a annulé une orientation vers « ${context.serviceName} ».` };
}

export interface SenderMovedContext {
  to: ReferralStatus;
  receiverName: string;
  serviceName: string;
  reasonCode: string | null;
  outcome: { autonomyGained: string | null; nextStep: string | null } | null;
  workspaceUrl: string;
}

const moveWords: Partial<Record<ReferralStatus, { subject: string; text: string }>> = {
  received: { subject: 'a pris connaissance de votre orientation', text: 'a accusé réception de votre orientation.' },
  accepted: { subject: 'accepte votre orientation', text: 'accepte d’accompagner la personne que vous lui avez orientée.' },
  rejected: { subject: 'refuse votre orientation', text: 'ne peut pas accompagner la personne que vous lui avez orientée.' },
  redirected: { subject: 'réoriente la personne', text: 'a réorienté la personne vers un autre service ; une nouvelle orientation suit, que vous suivez aussi.' },
  'in-progress': { subject: 'a commencé l’accompagnement', text: 'a pris un premier contact : l’accompagnement a commencé.' },
  'on-hold': { subject: 'a suspendu l’accompagnement', text: 'a suspendu l’accompagnement.' },
  completed: { subject: 'a terminé l’accompagnement', text: 'a terminé l’accompagnement de la personne.' },
  failed: { subject: 'n’a pas pu accompagner la personne', text: 'indique que l’accompagnement n’a pas abouti.' },
  expired: { subject: 'n’a pas répondu à temps', text: 'n’a pas accusé réception dans le délai du réseau : l’orientation a expiré. Vous pouvez orienter la personne ailleurs.' },
};

/** The statuses a sender hears about when it did not make the move itself. */
export const senderStatuses = Object.keys(moveWords) as ReferralStatus[];

const autonomyWords: Record<string, string> = { aucun: 'aucun gain d’autonomie', partiel: 'autonomie partielle', complet: 'autonomie acquise' };

/** To the sending structure: a move it did not make. Reasons as codes, never the receiver's free text. */
export function senderMoved(context: SenderMovedContext): RenderedMessage {
  const words = moveWords[context.to] ?? { subject: `a fait passer votre orientation à « ${context.to} »`, text: `a fait passer votre orientation à « ${context.to} ».` };
  const subject = `${context.receiverName} ${words.subject}`;
  const facts: Array<[string, string]> = [['Service', context.serviceName]];
  if (context.reasonCode) facts.push(['Motif', context.reasonCode]);
  if (context.outcome?.autonomyGained) facts.push(['Résultat', autonomyWords[context.outcome.autonomyGained] ?? context.outcome.autonomyGained]);
  if (context.outcome?.nextStep) facts.push(['Étape suivante proposée', context.outcome.nextStep]);
  const blocks: Block[] = [
    { kind: 'paragraph', text: `${context.receiverName} ${words.text}` },
    { kind: 'facts', items: facts },
    { kind: 'action', label: 'Suivre l’orientation', url: context.workspaceUrl },
  ];
  const { text, html } = renderEmail(subject, 'Du nouveau sur une orientation', blocks, 'Vous recevez ce courriel parce que votre structure a envoyé cette orientation par Relais.');
  return { subject, text, html, sms: `Relais : ${context.receiverName} ${words.subject}.` };
}
