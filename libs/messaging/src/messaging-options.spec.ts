import { kafkaSettings, resolveMessagingOptions } from './messaging-options';

describe('messaging options', () => {
  it('fills in the defaults', () => {
    expect(resolveMessagingOptions({ service: 'referral', brokers: ['127.0.0.1:9092'] })).toMatchObject({
      topicPrefix: '',
      consumer: { concurrency: 3, retryDelaysMs: [1_000, 5_000, 30_000, 60_000, 120_000], batchSize: 100, parkedSweepMs: 10_000, maxBlockedMs: 7 * 24 * 3600 * 1000 },
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
    expect(() => resolveMessagingOptions({ ...base, consumer: { parkedSweepMs: 0 } })).toThrow(/parkedSweepMs/);
    expect(() => resolveMessagingOptions({ ...base, consumer: { maxBlockedMs: 0 } })).toThrow(/maxBlockedMs/);
  });

  it('takes the Kafka settings of a service configuration: its principal when given, none for a cluster without SASL', () => {
    const config = { KAFKA_BROKERS: ['kafka:9092'], KAFKA_TOPIC_PREFIX: 'p.', KAFKA_SASL_USERNAME: undefined, KAFKA_SASL_PASSWORD: undefined, KAFKA_SSL: false };
    expect(kafkaSettings(config)).toEqual({ brokers: ['kafka:9092'], topicPrefix: 'p.', ssl: false, topics: {} });
    const secured = kafkaSettings({ ...config, KAFKA_SASL_USERNAME: 'relais-referral', KAFKA_SASL_PASSWORD: 's3cret', KAFKA_SSL: true });
    expect(secured).toEqual({ brokers: ['kafka:9092'], topicPrefix: 'p.', sasl: { username: 'relais-referral', password: 's3cret' }, ssl: true, topics: {} });
    expect(resolveMessagingOptions({ service: 'referral', ...secured })).toMatchObject({ sasl: { username: 'relais-referral', password: 's3cret' }, ssl: true });
    expect(() => kafkaSettings({ ...config, KAFKA_SASL_USERNAME: 'relais-referral' })).toThrow(/KAFKA_SASL_USERNAME et KAFKA_SASL_PASSWORD vont ensemble/);
    expect(() => resolveMessagingOptions({ service: 'referral', brokers: ['kafka:9092'], sasl: { username: 'relais-referral', password: '' } })).toThrow(/sasl needs both/);
  });
});
