import { topicCatalog } from '@relais/contracts';
import type { KafkaConnection } from './kafka-connection';
import { resolveMessagingOptions } from './messaging-options';
import { TopicNames } from './topic-names';
import { TopicProvisioner } from './topic-provisioner';

function provisionerFor(service: string): TopicProvisioner {
  const options = resolveMessagingOptions({ service, brokers: ['b:9092'], topicPrefix: 'p.' });
  return new TopicProvisioner({ options, topics: new TopicNames('p.', service) } as unknown as KafkaConnection);
}

describe('TopicProvisioner.plan', () => {
  it('creates what a service publishes (snapshot topics compacted), and nothing else', () => {
    const plan = provisionerFor('directory').plan([]);
    const published = topicCatalog.filter((topic) => topic.publisher === 'directory');
    expect(plan.map((t) => t.topic).sort()).toEqual(published.map((topic) => `p.${topic.name}`).sort());
    expect(plan.map((t) => t.topic)).toEqual(expect.arrayContaining(['p.relais.directory.service.v1', 'p.relais.directory.structure.v1']));
    for (const topic of published) {
      const planned = plan.find((t) => t.topic === `p.${topic.name}`);
      expect(planned?.numPartitions).toBe(topic.partitions);
      expect(planned?.configEntries?.[0]).toEqual({ name: 'cleanup.policy', value: topic.compacted ? 'compact' : 'delete' });
    }
  });

  it('adds for what it consumes its retry topic and the dead-letter topic, with a retention', () => {
    const plan = provisionerFor('notification').plan(['relais.referral.referral.v1', 'relais.directory.service.v1']);
    const byName = new Map(plan.map((t) => [t.topic, t]));
    expect([...byName.keys()].sort()).toEqual([
      'p.relais.directory.service.v1',
      'p.relais.directory.service.v1.dlt',
      'p.relais.directory.service.v1.retry.notification',
      'p.relais.notification.delivery.v1',
      'p.relais.referral.referral.v1',
      'p.relais.referral.referral.v1.dlt',
      'p.relais.referral.referral.v1.retry.notification',
    ]);
    expect(byName.get('p.relais.referral.referral.v1')?.configEntries).toEqual([
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) },
    ]);
    expect(byName.get('p.relais.directory.service.v1.retry.notification')?.configEntries?.[0]).toEqual({ name: 'cleanup.policy', value: 'delete' });
    expect(byName.get('p.relais.referral.referral.v1.dlt')?.numPartitions).toBe(1);
  });

  it('refuses a topic outside the catalog', () => {
    expect(() => provisionerFor('reporting').plan(['relais.reporting.nothing.v1'])).toThrow(/not in the event catalog/);
  });
});
