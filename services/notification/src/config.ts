import { ConfigError, env, type ConfigOf } from '@relais/platform';
import { parseSigningKey } from '@relais/auth';
import { serviceConfig } from '@relais/service-kit';

const definition = serviceConfig({
  /**
   * How many webhook subscriptions one structure may hold. Each one is a target the deliverer calls for
   * every matching event: an unbounded number would let one account multiply outgoing traffic.
   */
  WEBHOOK_MAX_SUBSCRIPTIONS_PER_STRUCTURE: env.int({ default: 10, min: 1, max: 1000 }),
  /** The origin people open links on (the gateway): action links and links to the workspace are built on it. */
  RELAIS_PUBLIC_URL: env.url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:8080' }),
  /** Email channel: absent SMTP_HOST turns it off (webhooks and SMS still go). */
  SMTP_HOST: env.optionalString(),
  SMTP_PORT: env.port({ default: 587 }),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  SMTP_SECURE: env.bool({ default: false }),
  SMTP_USER: env.optionalString(),
  SMTP_PASSWORD: env.optionalString(),
  EMAIL_FROM: env.string({ default: 'Relais <ne-pas-repondre@relais.localhost>' }),
  /** SMS channel (Brevo's transactional SMS API, docs/decisions/0005): absent SMS_API_URL turns it off. */
  SMS_API_URL: env.optionalString(),
  SMS_API_KEY: env.optionalString(),
  /** Alphanumeric sender name shown on the phone (11 characters at most, the operators' limit). */
  SMS_SENDER: env.pattern(/^[A-Za-z0-9]{1,11}$/, '11 lettres ou chiffres au plus', { default: 'Relais' }),
  /**
   * Ed25519 key the action links in emails are signed with (`kid:base64 PKCS#8`); the referral service
   * holds the public half (ACTION_LINK_VERIFY_KEYS). Required with the email channel.
   */
  ACTION_LINK_SIGNING_KEY: env.optionalString(),
  /** How long an action link works at most (it also stops at the referral's end state). */
  ACTION_LINK_DAYS: env.int({ default: 30, min: 1, max: 365 }),
  /**
   * The person's own messages (docs/security.md): the referral service's base URL, reached directly
   * (`http://referral:3000/api/referral`), and this
   * service's client (role `notifier`) to ask it where the person wants to be told. Absent: the person gets nothing.
   */
  REFERRAL_API_URL: env.optionalString(),
  NOTIFIER_CLIENT_ID: env.optionalString(),
  NOTIFIER_CLIENT_SECRET: env.optionalString(),
  /**
   * The base URL an SMS provider calls back with receipts (`<it>/v1/receipts/sms/<token>`): this service as the
   * internet reaches it. Default: RELAIS_PUBLIC_URL/api/notification (through the gateway).
   */
  NOTIFICATION_RECEIPTS_URL: env.optionalString(),
  /** Hours before a referral nobody acknowledged expires at which the receiver gets a last reminder. */
  NOTIFICATION_LAST_REMINDER_HOURS: env.int({ default: 24, min: 1, max: 24 * 14 }),
  /** When (Paris time) the daily digests leave, for the structures that chose one; later if in their quiet hours. */
  NOTIFICATION_DIGEST_TIME: env.pattern(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM', { default: '16:00' }),
  /** When (Paris time) on Mondays the coordinators' weekly summaries leave. */
  NOTIFICATION_WEEKLY_SUMMARY_TIME: env.pattern(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM', { default: '08:00' }),
  /** The directory's base URL, reached directly: coordinators' addresses come from its networks. Absent: no weekly summary. */
  DIRECTORY_API_URL: env.optionalString(),
  /** Waits before each new attempt of a message on one channel, in seconds; after the last, the next channel. */
  NOTIFICATION_RETRY_DELAYS_S: env.list({ default: ['10', '60', '300', '1800', '7200'] }),
  /** Attempts on one channel before falling back to the receiver's next channel, if it has one. */
  NOTIFICATION_FALLBACK_AFTER_ATTEMPTS: env.int({ default: 3, min: 1, max: 20 }),
});

export const notificationConfigSchema = definition.schema;
export type NotificationConfig = ConfigOf<typeof notificationConfigSchema>;

/** Reads and checks the configuration, with the rules that tie the channels' variables together. */
export function readConfig(source?: Record<string, string | undefined>): NotificationConfig {
  const config = definition.read(source);
  const problems: string[] = [];
  if (config.SMTP_HOST) {
    if (!config.ACTION_LINK_SIGNING_KEY) problems.push('ACTION_LINK_SIGNING_KEY est obligatoire avec SMTP_HOST : les courriels portent un lien d’action signé');
    if (Boolean(config.SMTP_USER) !== Boolean(config.SMTP_PASSWORD)) problems.push('SMTP_USER et SMTP_PASSWORD vont ensemble');
  }
  if (config.ACTION_LINK_SIGNING_KEY) {
    try {
      parseSigningKey(config.ACTION_LINK_SIGNING_KEY);
    } catch (error) {
      problems.push(`ACTION_LINK_SIGNING_KEY : ${error instanceof Error ? error.message : 'illisible'}`);
    }
  }
  if (config.SMS_API_URL) {
    try {
      const url = new URL(config.SMS_API_URL);
      if (url.protocol !== 'https:' && !(config.RELAIS_ENVIRONMENT === 'development' && url.protocol === 'http:')) {
        problems.push('SMS_API_URL doit utiliser https hors développement');
      }
    } catch {
      problems.push('SMS_API_URL n’est pas une URL valide');
    }
    if (!config.SMS_API_KEY) problems.push('SMS_API_KEY est obligatoire avec SMS_API_URL');
  }
  if (config.REFERRAL_API_URL) {
    try {
      new URL(config.REFERRAL_API_URL);
    } catch {
      problems.push('REFERRAL_API_URL n’est pas une URL valide');
    }
    if (!config.NOTIFIER_CLIENT_ID || !config.NOTIFIER_CLIENT_SECRET) problems.push('NOTIFIER_CLIENT_ID et NOTIFIER_CLIENT_SECRET sont obligatoires avec REFERRAL_API_URL');
  }
  if (config.NOTIFICATION_RETRY_DELAYS_S.some((item) => !/^\d{1,6}$/.test(item))) {
    problems.push('NOTIFICATION_RETRY_DELAYS_S : des secondes entières séparées par des virgules');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
