import { resolveMessagingOptions } from './messaging-options';

describe('messaging options', () => {
  it('fills in the defaults', () => {
    expect(resolveMessagingOptions({ service: 'referral', brokers: ['127.0.0.1:9092'] })).toMatchObject({
      topicPrefix: '',
      consumer: { concurrency: 3, retryDelaysMs: [1_000, 5_000, 30_000], batchSize: 100 },
      relay: { batchSize: 200, pollIntervalMs: 1_000 },
    });
  });

  it('refuses values that would misbehave later', () => {
    const base = { service: 'referral', brokers: ['127.0.0.1:9092'] };
    expect(() => resolveMessagingOptions({ ...base, service: 'Referral Service' })).toThrow(/lowercase/);
    expect(() => resolveMessagingOptions({ ...base, brokers: [] })).toThrow(/brokers/);
    expect(() => resolveMessagingOptions({ ...base, consumer: { concurrency: 0 } })).toThrow(/concurrency/);
    expect(() => resolveMessagingOptions({ ...base, consumer: { retryDelaysMs: [-1] } })).toThrow(/retryDelaysMs/);
    expect(() => resolveMessagingOptions({ ...base, consumer: { batchSize: 0 } })).toThrow(/consumer.batchSize/);
    expect(() => resolveMessagingOptions({ ...base, relay: { batchSize: 0 } })).toThrow(/relay.batchSize/);
    expect(() => resolveMessagingOptions({ ...base, relay: { pollIntervalMs: 1 } })).toThrow(/pollIntervalMs/);
  });
});
