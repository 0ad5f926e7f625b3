import type { ChannelOutcome, MessageChannel, OutgoingMessage } from '../messages/channels/message-channel';
import { addressPolicy } from './webhook-address-policy';
import { sendWebhook, systemResolve, type SendOptions } from './webhook-http';
import type { WebhookSettings } from './webhook-settings';
import { signWebhook } from './webhook-signature';

const TIMEOUT_MS = 10_000;
/** Webhooks in flight at once: receivers deduplicate on `webhook-id`, and one slow receiver must not hold the others. */
const IN_FLIGHT = 16;

/**
 * The signed webhook as a channel of the one port: the message's address is the subscription's URL (read
 * at each attempt), its text the CloudEvent, its Message-ID the event id (`webhook-id`), its signing secret
 * the subscription's. Signed per Standard Webhooks (webhook-signature.ts), sent through the address policy
 * (webhook-http.ts). A 2xx is `delivered` (the receiver itself took it); every failure is `retry` with one
 * of the closed set of generic reasons, and the one retry rule of the loop decides when it becomes `failed`.
 */
export class WebhookChannel implements MessageChannel {
  readonly kind = 'webhook' as const;
  readonly inFlight = IN_FLIGHT;
  private readonly options: SendOptions;

  constructor(settings: Pick<WebhookSettings, 'environment'>, options: Partial<SendOptions> = {}) {
    this.options = { resolve: systemResolve, addressAllowed: addressPolicy(settings.environment), timeoutMs: TIMEOUT_MS, ...options };
  }

  async send(message: OutgoingMessage): Promise<ChannelOutcome> {
    if (message.text === null || message.signingSecret === null) return { kind: 'refused', reason: 'webhook sans corps ni secret' };
    const timestamp = Math.floor(Date.now() / 1000);
    const failure = await sendWebhook(
      {
        url: message.address,
        headers: {
          'content-type': 'application/json',
          'webhook-id': message.messageId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(message.signingSecret, message.messageId, timestamp, message.text),
        },
        body: message.text,
      },
      this.options,
      // A URL or header the HTTP client rejects outright is the receiver's problem to fix, like any other.
    ).catch(() => 'échec de connexion' as const);
    return failure === null ? { kind: 'delivered' } : { kind: 'retry', reason: failure };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
