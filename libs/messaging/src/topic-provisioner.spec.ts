import { topicCatalog } from '@relais/contracts';
import type { KafkaConnection } from './kafka-connection';
import { kafkaSettings, resolveMessagingOptions, type TopicLayout } from './messaging-options';
import { TopicNames } from './topic-names';
import { TopicProvisioner } from './topic-provisioner';

function provisionerFor(service: string, topics?: TopicLayout): TopicProvisioner {
  const options = resolveMessagingOptions({ service, brokers: ['b:9092'], topicPrefix: 'p.', ...(topics ? { topics } : {}) });
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

describe('TopicProvisioner.plan on a cluster (KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS)', () => {
  const consumed = ['relais.referral.referral.v1'];

  it('leaves the layout to the catalog and the broker when nothing is configured (the single-node dev broker)', () => {
    const plan = provisionerFor('notification').plan(consumed);
    for (const topic of plan) {
      expect(topic.replicationFactor).toBeUndefined();
      expect(topic.configEntries?.map((entry) => entry.name)).not.toContain('min.insync.replicas');
    }
    expect(plan.find((t) => t.topic === 'p.relais.referral.referral.v1')?.numPartitions).toBe(topicCatalog.find((t) => t.name === 'relais.referral.referral.v1')?.partitions);
  });

  it('gives every topic, dead letters included, the replication factor and min.insync.replicas; partitions to all but dead letters', () => {
    const plan = provisionerFor('notification', { partitions: 12, replicationFactor: 3, minInsyncReplicas: 2 }).plan(consumed);
    expect(plan.length).toBeGreaterThan(3);
    for (const topic of plan) {
      expect(topic.replicationFactor).toBe(3);
      expect(topic.configEntries).toContainEqual({ name: 'min.insync.replicas', value: '2' });
      expect(topic.numPartitions).toBe(topic.topic.endsWith('.dlt') ? 1 : 12);
    }
  });

  it('reads the layout from the service configuration, 0 meaning the default', () => {
    const base = { KAFKA_BROKERS: ['b:9092'], KAFKA_TOPIC_PREFIX: '', KAFKA_SASL_USERNAME: undefined, KAFKA_SASL_PASSWORD: undefined, KAFKA_SSL: false };
    expect(kafkaSettings({ ...base, KAFKA_TOPIC_PARTITIONS: 0, KAFKA_REPLICATION_FACTOR: 3, KAFKA_MIN_INSYNC_REPLICAS: 2 }).topics).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(kafkaSettings(base).topics).toEqual({});
  });

  it('refuses a min.insync.replicas above the replication factor, and non-positive counts', () => {
    expect(() => provisionerFor('notification', { replicationFactor: 2, minInsyncReplicas: 3 })).toThrow(/exceeds topics.replicationFactor/);
    expect(() => provisionerFor('notification', { partitions: 0 })).toThrow(/topics.partitions must be a positive integer/);
  });
});
