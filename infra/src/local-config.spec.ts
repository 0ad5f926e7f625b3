import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localPorts } from './local-config';
import { localSecret } from './local-secrets';

describe('local platform settings', () => {
  it('derives every port from the gateway port, so two instances can run side by side', () => {
    const a = localPorts(8080);
    const b = localPorts(18080);
    expect(a.services.referral).toBe(8083);
    expect(a.postgres).toBe(15512);
    expect(a.kafka).toBe(19172);
    expect(a.metrics.referral).toBe(8113);
    expect(a.consumersMetrics.referral).toBe(8123);
    const all = (p: ReturnType<typeof localPorts>) => [
      p.gateway,
      ...Object.values(p.services),
      ...Object.values(p.consumers),
      ...Object.values(p.metrics),
      ...Object.values(p.consumersMetrics),
      p.identity,
      p.postgres,
      p.kafka,
      p.kafkaController,
    ];
    expect(new Set([...all(a), ...all(b)]).size).toBe(all(a).length * 2);
  });

  it('makes a secret once, keeps it private and returns the same one afterwards', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'relais-secrets-')), 'secrets');
    const first = localSecret(dir, 'referral-master-key');
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(localSecret(dir, 'referral-master-key')).toBe(first);
    expect(readFileSync(join(dir, 'referral-master-key'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, 'referral-master-key')).mode & 0o777).toBe(0o600);
  });
});
