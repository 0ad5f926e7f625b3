/** The channels a structure may choose in its preferences, and a person's address may be on (the API's vocabulary). */
export const messageChannels = ['email', 'sms'] as const;
export type PreferredChannel = (typeof messageChannels)[number];

/**
 * Every channel of the one port and the one sending loop: the preferred ones, and the signed webhook to a
 * subscription of the structure's own software (recorded by the fan-out, never chosen in preferences).
 * Internal: the contracts (the outcome event, the deliveries API) spell each value out.
 */
export type MessageChannelKind = PreferredChannel | 'webhook';

/** One message ready to leave: the address, and what the channel needs of the rendering. */
export interface OutgoingMessage {
  /** RFC 5322 Message-ID, fixed when the message was recorded: a resend after a crash carries the same one. */
  messageId: string;
  address: string;
  subject: string | null;
  text: string | null;
  html: string | null;
  smsText: string | null;
  /** A short tag the provider may keep (the template's name): never personal. */
  tag: string;
  /** Where a provider that sends receipts calls back (delivered, bounced); null when receipts are off. */
  receiptUrl: string | null;
  /** The key a signed channel signs with (a webhook subscription's secret); null for the others. */
  signingSecret: string | null;
}

/**
 * What a channel says of one attempt. `accepted`: the server or provider took it (SMTP 250, HTTP 201) —
 * "sent", since neither tells whether it reached a mailbox or a phone. `retry`: try again later (a
 * timeout, a 4xx SMTP reply, a 5xx or 429 from the provider). `refused`: it will never go this way (a
 * 5xx SMTP reply outside the recipient and its data, a 400 from the provider): the next channel, or failed.
 * `bounced`: the recipient's server refused this recipient or this message for good (5xx at RCPT or DATA):
 * never retried; the next channel, or the message ends `bounced`. `delivered`: the recipient itself took
 * it (a webhook receiver's 2xx): the message ends `delivered` at once. `reason` is said in generic words
 * (never an address or a server's message, which may quote one).
 */
export type ChannelOutcome =
  | { kind: 'accepted'; providerId: string | null }
  | { kind: 'delivered' }
  | { kind: 'retry' | 'refused' | 'bounced'; reason: string };

/** The one port every channel implements; the sender knows nothing of SMTP or HTTP. */
export interface MessageChannel {
  readonly kind: MessageChannelKind;
  /**
   * How many of its messages the loop may attempt at once. 1 where a resend cannot be recognised by the
   * recipient's side (SMTP, SMS: a kill -9 then resends at most the one message in flight); more where the
   * receiver deduplicates (webhooks, on `webhook-id`).
   */
  readonly inFlight: number;
  send(message: OutgoingMessage): Promise<ChannelOutcome>;
  close(): Promise<void>;
}

export const MESSAGE_CHANNELS = Symbol('MESSAGE_CHANNELS');
