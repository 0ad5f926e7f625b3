import { cloudEventHeaders, headerText, parseCloudEvent, sourceOf } from './cloudevents';

describe('CloudEvents binary mode', () => {
  const event = {
    id: '6f1c2b7e-4d0a-4c9e-9a51-3b2f8f0e1a01',
    source: sourceOf('referral'),
    type: 'fr.relais.referral.referral.requested.v1',
    time: new Date('2026-11-23T10:00:00.000Z'),
    subject: '0b8e5d1a-0000-4000-8000-000000000001',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };

  it('writes the attributes as ce_* headers, with content-type and trace context', () => {
    expect(cloudEventHeaders(event)).toEqual({
      ce_id: event.id,
      ce_source: '/relais/referral',
      ce_type: event.type,
      ce_specversion: '1.0',
      ce_time: '2026-11-23T10:00:00.000Z',
      ce_subject: event.subject,
      'content-type': 'application/json',
      traceparent: event.traceparent,
      ce_traceparent: event.traceparent,
    });
    const { traceparent: _traceparent, ...untraced } = event;
    expect(cloudEventHeaders(untraced)).not.toHaveProperty('traceparent');
  });

  it('reads back what it wrote, from Buffers as kafkajs delivers them', () => {
    const raw = Object.fromEntries(Object.entries(cloudEventHeaders(event)).map(([name, value]) => [name, Buffer.from(value)]));
    expect(parseCloudEvent(raw)).toEqual({ ok: true, event });
  });

  it('prefers the CloudEvents trace extension over a traceparent rewritten by transport instrumentation', () => {
    const headers = { ...cloudEventHeaders(event), traceparent: '00-11111111111111111111111111111111-2222222222222222-01' };
    expect(parseCloudEvent(headers)).toMatchObject({ ok: true, event: { traceparent: event.traceparent } });
  });

  it('lists every missing or malformed attribute', () => {
    const result = parseCloudEvent({ ce_id: 'x', ce_specversion: '0.3', ce_time: 'yesterday', 'content-type': 'text/plain' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'header ce_source is missing',
      'header ce_type is missing',
      'header ce_subject is missing',
      'ce_specversion 0.3 is not 1.0',
      'ce_time "yesterday" is not a timestamp',
      'content-type text/plain is not application/json',
    ]);
    expect(parseCloudEvent(undefined).ok).toBe(false);
  });

  it('takes the last value of a repeated header', () => {
    expect(headerText({ h: [Buffer.from('a'), Buffer.from('b')] }, 'h')).toBe('b');
    expect(headerText({}, 'h')).toBeUndefined();
  });
});
