import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testMessaging } from '@relais/testing';

export interface ReceivedMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  to: Array<{ address: string }>;
  headers: Record<string, string>;
}

/** The mail the run's real SMTP server (MailDev) received for `address`, read through its REST API. */
export async function mailTo(address: string): Promise<ReceivedMail[]> {
  const response = await fetch(`${testMessaging().mailWebUrl}/api/email`);
  const all = (await response.json()) as ReceivedMail[];
  return all.filter((mail) => mail.to.some((to) => to.address.toLowerCase() === address.toLowerCase()));
}

export interface ReceivedSms {
  to: string;
  text: string;
  sender: string;
}

/** The SMS the stand-in wrote for `to` (international digits). */
export function smsTo(to: string): ReceivedSms[] {
  const dir = testMessaging().smsDir;
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as ReceivedSms)
    .filter((sms) => sms.to === to);
}

/** The action-link token in a message's text. */
export function actionToken(text: string): string {
  const match = /\/orientations\/lien\/([A-Za-z0-9_.-]+)/.exec(text);
  if (!match?.[1]) throw new Error('no action link in the message');
  return match[1];
}
