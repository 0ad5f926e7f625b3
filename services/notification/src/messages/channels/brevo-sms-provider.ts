import type { SmsProvider, SmsRequest, SmsResult } from './sms-provider';

export interface BrevoSettings {
  /** Base URL: https://api.brevo.com in production, the local stand-in's in development and tests. */
  apiUrl: string;
  apiKey: string;
  sender: string;
  timeoutMs?: number;
}

/**
 * Brevo's transactional SMS (`POST /v3/transactionalSMS/send`, `api-key` header). 201 is acceptance;
 * 400 a refusal of this SMS (a bad number); 401/403 a configuration error, retried so that fixing the key
 * loses nothing; 429 and 5xx retried. The provider's message is never kept: it may quote the number.
 */
export class BrevoSmsProvider implements SmsProvider {
  constructor(private readonly settings: BrevoSettings) {}

  async send(request: SmsRequest): Promise<SmsResult> {
    let response: Response;
    try {
      response = await fetch(new URL('/v3/transactionalSMS/send', this.settings.apiUrl), {
        method: 'POST',
        headers: { 'api-key': this.settings.apiKey, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          sender: this.settings.sender,
          recipient: request.recipient,
          content: request.content,
          type: 'transactional',
          tag: request.tag,
          // Brevo calls this URL with each event of the SMS (delivered, hard bounce…): the receipts.
          ...(request.receiptUrl ? { webUrl: request.receiptUrl } : {}),
        }),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch {
      return { kind: 'retry', reason: 'fournisseur SMS injoignable' };
    }
    const body = (await response.json().catch(() => null)) as { messageId?: unknown } | null;
    if (response.status === 201 || response.status === 200) {
      const id = body?.messageId;
      return { kind: 'accepted', providerId: typeof id === 'number' || typeof id === 'string' ? String(id) : null };
    }
    if (response.status === 400) return { kind: 'refused', reason: 'SMS refusé par le fournisseur (400)' };
    return { kind: 'retry', reason: `fournisseur SMS indisponible (${response.status})` };
  }
}
