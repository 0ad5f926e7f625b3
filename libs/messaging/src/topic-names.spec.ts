import { TopicNames } from './topic-names';

describe('TopicNames', () => {
  const names = new TopicNames('dept56.', 'reporting');

  it('prefixes every Kafka name, retry topics per consumer, dead letters per topic', () => {
    expect(names.main('relais.referral.referral.v1')).toBe('dept56.relais.referral.referral.v1');
    expect(names.retry('relais.referral.referral.v1')).toBe('dept56.relais.referral.referral.v1.retry.reporting');
    expect(names.deadLetter('relais.referral.referral.v1')).toBe('dept56.relais.referral.referral.v1.dlt');
    expect(names.groupId()).toBe('dept56.relais-reporting');
    expect(new TopicNames('', 'referral').groupId()).toBe('relais-referral');
  });

  it('finds the catalog topic behind a Kafka name', () => {
    expect(names.catalogTopicOf('dept56.relais.referral.referral.v1')).toEqual({ topic: 'relais.referral.referral.v1', kind: 'main' });
    expect(names.catalogTopicOf('dept56.relais.referral.referral.v1.retry.reporting')).toEqual({ topic: 'relais.referral.referral.v1', kind: 'retry' });
    expect(names.catalogTopicOf('dept56.relais.referral.referral.v1.dlt')).toEqual({ topic: 'relais.referral.referral.v1', kind: 'dead-letter' });
    expect(names.catalogTopicOf('dept35.relais.referral.referral.v1')).toBeUndefined();
  });
});
