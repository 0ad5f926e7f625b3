import { attemptOf, carriedHeaders, deadLetterHeaders, notBeforeOf, originOf, redriveHeaders, retryHeaders, routeFailure } from './failure-routing';
import { PermanentEventError } from './permanent-event-error';

describe('failure routing', () => {
  const delays = [1_000, 5_000, 30_000];
  const now = 1_700_000_000_000;

  it('retries transient errors with the delay of each attempt, then gives up', () => {
    expect(routeFailure(new Error('timeout'), 1, delays, now)).toEqual({ kind: 'retry', attempt: 2, notBefore: now + 1_000 });
    expect(routeFailure(new Error('timeout'), 2, delays, now)).toEqual({ kind: 'retry', attempt: 3, notBefore: now + 5_000 });
    expect(routeFailure(new Error('timeout'), 3, delays, now)).toEqual({ kind: 'retry', attempt: 4, notBefore: now + 30_000 });
    expect(routeFailure(new Error('timeout'), 4, delays, now)).toEqual({ kind: 'dead-letter', reason: 'attempts-exhausted' });
    expect(routeFailure('a string thrown', 1, [], now)).toEqual({ kind: 'dead-letter', reason: 'attempts-exhausted' });
  });

  it('dead-letters permanent errors at once', () => {
    expect(routeFailure(new PermanentEventError('service unknown'), 1, delays, now)).toEqual({ kind: 'dead-letter', reason: 'permanent-error' });
  });

  const ce = { ce_id: Buffer.from('e1'), ce_type: Buffer.from('fr.relais.x'), traceparent: Buffer.from('00-a-b-01') };
  const origin = { topic: 'p.relais.directory.service.v1', partition: 4, offset: '17' };

  it('carries the CloudEvents headers and the origin through retries', () => {
    const headers = retryHeaders(ce, origin, 'reporting', { attempt: 2, notBefore: now }, new Error('boom'));
    expect(headers).toEqual({
      ce_id: 'e1',
      ce_type: 'fr.relais.x',
      traceparent: '00-a-b-01',
      relais_original_topic: origin.topic,
      relais_original_partition: '4',
      relais_original_offset: '17',
      relais_consumer: 'reporting',
      relais_attempt: '2',
      relais_not_before: String(now),
      relais_error: 'Error: boom',
    });
    const again = retryHeaders(headers, { topic: 'p.relais.directory.service.v1.retry.reporting', partition: 0, offset: '3' }, 'reporting', { attempt: 3, notBefore: now }, 'x');
    expect(originOf(again, { topic: 'elsewhere', partition: 0, offset: '0' })).toEqual({ topic: 'p.relais.directory.service.v1.retry.reporting', partition: 0, offset: '3' });
    expect(originOf(headers, { topic: 'elsewhere', partition: 0, offset: '0' })).toEqual(origin);
    expect(attemptOf(headers)).toBe(2);
    expect(attemptOf(ce)).toBe(1);
    expect(notBeforeOf(headers)).toBe(now);
    expect(notBeforeOf(ce)).toBeUndefined();
  });

  it('says who gave up, why, after how many attempts, and with which error', () => {
    const retried = retryHeaders(ce, origin, 'reporting', { attempt: 3, notBefore: now }, new Error('boom'));
    const dead = deadLetterHeaders(retried, origin, 'reporting', { reason: 'attempts-exhausted', attempts: 3, error: new Error('x'.repeat(5000)), at: now });
    expect(dead).toMatchObject({ relais_consumer: 'reporting', relais_attempt: '3', relais_dead_letter_reason: 'attempts-exhausted', relais_failed_at: new Date(now).toISOString() });
    expect(dead).not.toHaveProperty('relais_not_before');
    expect(dead['relais_error']?.length).toBeLessThan(2100);
  });

  it('redrives with a fresh count, due at once, keeping the origin', () => {
    const dead = deadLetterHeaders(ce, origin, 'reporting', { reason: 'permanent-error', attempts: 1, error: new Error('no'), at: now });
    expect(redriveHeaders(dead, 'relais.directory.service.v1.dlt:0:9', now + 5)).toEqual({
      ...carriedHeaders(ce),
      relais_original_topic: origin.topic,
      relais_original_partition: '4',
      relais_original_offset: '17',
      relais_consumer: 'reporting',
      relais_attempt: '1',
      relais_not_before: String(now + 5),
      relais_redriven_from: 'relais.directory.service.v1.dlt:0:9',
    });
  });
});
