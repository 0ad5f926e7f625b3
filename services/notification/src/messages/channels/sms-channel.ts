import type { ChannelOutcome, MessageChannel, OutgoingMessage } from './message-channel';
import { internationalNumber, type SmsProvider } from './sms-provider';

/** SMS through whichever provider is configured; the text is the template's short form. */
export class SmsChannel implements MessageChannel {
  readonly kind = 'sms' as const;
  // The provider's API has no idempotency key: one at a time, like email.
  readonly inFlight = 1;

  constructor(private readonly provider: SmsProvider) {}

  async send(message: OutgoingMessage): Promise<ChannelOutcome> {
    const recipient = internationalNumber(message.address);
    if (!recipient) return { kind: 'refused', reason: 'numéro de téléphone invalide' };
    if (!message.smsText) return { kind: 'refused', reason: 'aucun texte SMS pour ce message' };
    return this.provider.send({ recipient, content: message.smsText, tag: message.tag, receiptUrl: message.receiptUrl });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
