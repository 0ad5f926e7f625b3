import { settle } from './message-sender';

describe('what becomes of a message after an attempt', () => {
  const settings = { retryDelaysS: [10, 60, 300], fallbackAfterAttempts: 2 };
  const sms = { channel: 'sms' as const, address: '0612345678' };

  it('is sent when the server or provider accepted it', () => {
    expect(settle({ kind: 'accepted', providerId: '4242' }, { channel_attempts: 1, fallbacks: [] }, settings)).toEqual({ kind: 'sent', providerId: '4242' });
  });

  it('is delivered at once when the recipient itself took it (a webhook receiver’s 2xx)', () => {
    expect(settle({ kind: 'delivered' }, { channel_attempts: 1, fallbacks: [] }, settings)).toEqual({ kind: 'delivered' });
  });

  it('retries on one channel with growing delays, then fails when there is no other channel', () => {
    const retry = { kind: 'retry' as const, reason: 'serveur SMTP injoignable' };
    expect(settle(retry, { channel_attempts: 1, fallbacks: [] }, settings)).toEqual({ kind: 'retry', delayS: 10, reason: retry.reason });
    expect(settle(retry, { channel_attempts: 3, fallbacks: [] }, settings)).toEqual({ kind: 'retry', delayS: 300, reason: retry.reason });
    expect(settle(retry, { channel_attempts: 4, fallbacks: [] }, settings)).toEqual({ kind: 'failed', reason: retry.reason });
  });

  it('falls back to the next channel after the attempts allowed on this one, or at once on a refusal', () => {
    const retry = { kind: 'retry' as const, reason: 'serveur SMTP injoignable' };
    expect(settle(retry, { channel_attempts: 1, fallbacks: [sms] }, settings).kind).toBe('retry');
    expect(settle(retry, { channel_attempts: 2, fallbacks: [sms] }, settings)).toEqual({ kind: 'fallback', next: sms, rest: [], reason: retry.reason });
    expect(settle({ kind: 'refused', reason: 'destinataire refusé' }, { channel_attempts: 1, fallbacks: [sms] }, settings)).toEqual({
      kind: 'fallback',
      next: sms,
      rest: [],
      reason: 'destinataire refusé',
    });
    expect(settle({ kind: 'refused', reason: 'destinataire refusé' }, { channel_attempts: 1, fallbacks: [] }, settings)).toEqual({ kind: 'failed', reason: 'destinataire refusé' });
  });

  it('never retries a bounce: the next channel at once, or bounced', () => {
    expect(settle({ kind: 'bounced', reason: 'r' }, { channel_attempts: 1, fallbacks: [] }, settings)).toEqual({ kind: 'bounced', reason: 'r' });
    expect(settle({ kind: 'bounced', reason: 'r' }, { channel_attempts: 1, fallbacks: [sms] }, settings)).toEqual({ kind: 'fallback', next: sms, rest: [], reason: 'r', bounced: true });
  });
});
