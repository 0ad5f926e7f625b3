import type { KeyObject } from 'node:crypto';
import { parseSigningKey } from '@relais/auth';
import type { NotificationConfig } from '../config';
import type { MessageChannelKind } from './channels/message-channel';

/** What the messages feature takes from the configuration, read once at boot. */
export interface MessageSettings {
  publicUrl: string;
  /** The domain of Message-IDs (the public origin's host). */
  messageIdDomain: string;
  signingKey: { kid: string; key: KeyObject } | null;
  actionLinkDays: number;
  retryDelaysS: number[];
  fallbackAfterAttempts: number;
  /** The base URL providers call back with receipts: this service's routes on the public origin. */
  receiptsUrl: string;
  lastReminderHours: number;
  digestTime: string;
  weeklySummaryTime: string;
  directoryUrl: string | null;
  /** The channels configured on this instance; a preference for another one is skipped. */
  enabledChannels: MessageChannelKind[];
}

export const MESSAGE_SETTINGS = Symbol('MESSAGE_SETTINGS');

export function messageSettings(config: NotificationConfig): MessageSettings {
  const publicUrl = config.RELAIS_PUBLIC_URL.replace(/\/+$/, '');
  return {
    publicUrl,
    messageIdDomain: new URL(publicUrl).hostname || 'relais.localhost',
    signingKey: config.ACTION_LINK_SIGNING_KEY ? parseSigningKey(config.ACTION_LINK_SIGNING_KEY) : null,
    actionLinkDays: config.ACTION_LINK_DAYS,
    retryDelaysS: config.NOTIFICATION_RETRY_DELAYS_S.map(Number),
    fallbackAfterAttempts: config.NOTIFICATION_FALLBACK_AFTER_ATTEMPTS,
    receiptsUrl: (config.NOTIFICATION_RECEIPTS_URL ?? `${publicUrl}/api/notification`).replace(/\/+$/, ''),
    lastReminderHours: config.NOTIFICATION_LAST_REMINDER_HOURS,
    digestTime: config.NOTIFICATION_DIGEST_TIME,
    weeklySummaryTime: config.NOTIFICATION_WEEKLY_SUMMARY_TIME,
    directoryUrl: config.DIRECTORY_API_URL?.replace(/\/+$/, '') ?? null,
    enabledChannels: [...(config.SMTP_HOST ? (['email'] as const) : []), ...(config.SMS_API_URL ? (['sms'] as const) : [])],
  };
}
