import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature';

describe('Standard Webhooks signature', () => {
  it('matches the specification example', () => {
    // Example from the Standard Webhooks specification.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies its own signatures and refuses a changed body or another secret', () => {
    const secret = newWebhookSecret();
    const signature = signWebhook(secret, 'id-1', 1_700_000_000, '{"a":1}');
    expect(verifyWebhook(secret, 'id-1', 1_700_000_000, '{"a":1}', `v1,other ${signature}`)).toBe(true);
    expect(verifyWebhook(secret, 'id-1', 1_700_000_000, '{"a":2}', signature)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), 'id-1', 1_700_000_000, '{"a":1}', signature)).toBe(false);
  });
});
