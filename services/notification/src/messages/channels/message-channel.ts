/** The channels a message to a person or a structure can take (webhooks, for software, have their own deliverer). */
export const messageChannels = ['email', 'sms'] as const;
export type MessageChannelKind = (typeof messageChannels)[number];

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
}

/**
 * What a channel says of one attempt. `accepted`: the server or provider took it (SMTP 250, HTTP 201) —
 * "sent", since neither tells whether it reached a mailbox or a phone. `retry`: try again later (a
 * timeout, a 4xx SMTP reply, a 5xx or 429 from the provider). `refused`: it will never go this way (a
 * 5xx SMTP reply outside the recipient and its data, a 400 from the provider): the next channel, or failed.
 * `bounced`: the recipient's server refused this recipient or this message for good (5xx at RCPT or DATA):
 * never retried; the next channel, or the message ends `bounced`. `reason` is
 * said in generic words (never an address or a server's message, which may quote one).
 */
export type ChannelOutcome = { kind: 'accepted'; providerId: string | null } | { kind: 'retry' | 'refused' | 'bounced'; reason: string };

/** The one port every channel implements; the sender knows nothing of SMTP or HTTP. */
export interface MessageChannel {
  readonly kind: MessageChannelKind;
  send(message: OutgoingMessage): Promise<ChannelOutcome>;
  close(): Promise<void>;
}

export const MESSAGE_CHANNELS = Symbol('MESSAGE_CHANNELS');
