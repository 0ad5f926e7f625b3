import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('hides action-link tokens and leaves other paths alone', () => {
    expect(redactUrl('/api/referral/v1/links/k1.eyJ2IjoxfQ.c2ln/transitions?x=1')).toBe('/api/referral/v1/links/[jeton]/transitions?x=1');
    expect(redactUrl('/api/referral/v1/referrals/7d1c9a52-5d0b-4f4a-9a55-3f4b1c2d3e4f')).toBe('/api/referral/v1/referrals/7d1c9a52-5d0b-4f4a-9a55-3f4b1c2d3e4f');
  });
});
