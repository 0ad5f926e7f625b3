import { createTransport, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { ChannelOutcome, MessageChannel, OutgoingMessage } from './message-channel';

export interface EmailSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

/**
 * Email over SMTP with nodemailer, through a small pool of kept-open connections (a handshake per
 * message would halve the throughput on a real server). The Message-ID is the one recorded with the
 * message: SMTP has no idempotency, so a resend after a crash is folded by mail clients instead.
 */
export class EmailChannel implements MessageChannel {
  readonly kind = 'email' as const;
  // SMTP has no idempotency: one at a time, so a crash resends at most the message in flight.
  readonly inFlight = 1;
  private readonly transport: Transporter<SMTPPool.SentMessageInfo>;

  constructor(private readonly settings: EmailSettings) {
    this.transport = createTransport({
      pool: true,
      maxConnections: 2,
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.user && settings.password ? { auth: { user: settings.user, pass: settings.password } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      // nodemailer would log envelopes (addresses) at debug level: logs never hold an address.
      logger: false,
      debug: false,
    });
  }

  async send(message: OutgoingMessage): Promise<ChannelOutcome> {
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to: message.address,
        subject: message.subject ?? '',
        text: message.text ?? '',
        ...(message.html ? { html: message.html } : {}),
        messageId: message.messageId,
        headers: { 'X-Relais-Template': message.tag, 'Auto-Submitted': 'auto-generated' },
      });
      if (info.rejected.length > 0) return { kind: 'bounced', reason: 'destinataire refusé par le serveur SMTP' };
      return { kind: 'accepted', providerId: null };
    } catch (error) {
      return smtpFailure(error);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}

/**
 * A permanent SMTP reply (5xx) to the recipient (RCPT TO) or to the message (DATA, or after it) is a bounce:
 * that address or that message will never be taken. Another 5xx (MAIL FROM, AUTH: this instance's
 * configuration) is a refusal; anything else (4xx, network) is worth a retry.
 */
export function smtpFailure(error: unknown): ChannelOutcome {
  const failure = typeof error === 'object' && error !== null ? (error as { responseCode?: unknown; command?: unknown; code?: unknown }) : {};
  const code = failure.responseCode;
  if (typeof code === 'number' && code >= 500 && code < 600) {
    const command = typeof failure.command === 'string' ? failure.command.toUpperCase() : '';
    if (command.startsWith('RCPT') || command.startsWith('DATA') || command === 'MESSAGE' || failure.code === 'EENVELOPE') {
      return { kind: 'bounced', reason: `refus définitif du destinataire par le serveur SMTP (${code})` };
    }
    return { kind: 'refused', reason: `refus définitif du serveur SMTP (${code})` };
  }
  if (typeof code === 'number') return { kind: 'retry', reason: `refus temporaire du serveur SMTP (${code})` };
  return { kind: 'retry', reason: 'serveur SMTP injoignable' };
}
