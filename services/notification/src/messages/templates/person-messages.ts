import { renderEmail, type Block, type RenderedMessage } from './layout';

export interface PersonNoticeContext {
  /** The structure that accepted (or redirected): the person knows it is the one that will call. */
  structureName: string;
  serviceName: string;
  /** The channel the person chose: how they will be contacted. */
  channel: 'email' | 'sms';
}

const footerForPerson =
  'Vous recevez ce message parce que vous avez accepté d’être contacté(e) à cette adresse au sujet de votre orientation. Pour ne plus en recevoir, dites-le à la structure qui vous accompagne.';

const how = (channel: 'email' | 'sms'): string => (channel === 'email' ? 'par courriel, à cette adresse' : 'par SMS, à ce numéro');

/**
 * To the person, when a structure accepts to help them: who will contact them and how. Nothing of the
 * reason, the need or the diagnostic (someone else may read the person's mailbox or phone), no link to
 * follow (nothing for the person to do, and a link in an unexpected mail teaches phishing).
 */
export function personAccepted(context: PersonNoticeContext): RenderedMessage {
  const subject = `${context.structureName} va vous contacter`;
  const blocks: Block[] = [
    { kind: 'paragraph', text: `Bonjour,` },
    { kind: 'paragraph', text: `${context.structureName} a accepté de vous accompagner (${context.serviceName}). Elle va vous contacter ${how(context.channel)}, dans les prochains jours.` },
    { kind: 'paragraph', text: 'Vous n’avez rien à faire en attendant. Si personne ne vous a contacté(e) d’ici une semaine, parlez-en à la personne qui vous a orienté(e).' },
  ];
  const { text, html } = renderEmail(subject, 'Votre demande d’accompagnement est acceptée', blocks, footerForPerson);
  return { subject, text, html, sms: `Relais : ${context.structureName} accepte de vous accompagner et va vous contacter dans les prochains jours.` };
}

/** To the person, when the structure passes them on to another service: someone else will contact them. */
export function personRedirected(context: Omit<PersonNoticeContext, 'channel'>): RenderedMessage {
  const subject = 'Votre demande d’accompagnement est transmise';
  const blocks: Block[] = [
    { kind: 'paragraph', text: 'Bonjour,' },
    {
      kind: 'paragraph',
      text: `${context.structureName} a transmis votre demande à un autre service, mieux placé pour vous aider. Ce service vous contactera ; vous n’avez rien à faire en attendant.`,
    },
  ];
  const { text, html } = renderEmail(subject, 'Votre demande est transmise', blocks, footerForPerson);
  return { subject, text, html, sms: 'Relais : votre demande d’accompagnement est transmise à un autre service, qui vous contactera.' };
}
