import { join } from 'node:path';
import { ensureKafkaJars, prepareClusterSecrets, startKafka, type KafkaBroker, type KafkaCredentials } from './kafka-broker';

export interface KafkaClusterOptions {
  /** One folder per node (`node-<id>`) and the folder they share (`shared`: cluster id, passwords). */
  dataDir: string;
  /** The client and controller port of each node; their count is the cluster's size. */
  nodes: Array<{ port: number; controllerPort: number }>;
  /** default.replication.factor (3 of 3 nodes: one can be lost) and min.insync.replicas (2). */
  replicationFactor: number;
  minInsyncReplicas: number;
  heapMb?: number;
  /** SCRAM principals besides the super user (one per service), the same on every node. */
  principals?: string[];
}

export interface KafkaCluster {
  /** Every node's client address, as KAFKA_BROKERS. */
  brokers: string[];
  admin: KafkaCredentials;
  principals: Record<string, KafkaCredentials>;
  /** Each node by its node id (1, 2, 3…): its pid, its exit, its stop. */
  nodes: Map<number, KafkaBroker>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * A KRaft cluster of N nodes on this machine, each broker and controller at once (the smallest layout
 * that survives the loss of one node: a quorum of 3 voters still has a majority of 2). The same launcher
 * as the single dev broker (Kafka's jars from Maven Central, SASL/SCRAM principals, the StandardAuthorizer),
 * only with a node id, the shared voter list and the cluster's replication settings. The nodes start side
 * by side: a broker opens its client port only once the quorum has elected a leader, which takes a majority.
 */
export async function startKafkaCluster(options: KafkaClusterOptions): Promise<KafkaCluster> {
  if (options.nodes.length < options.replicationFactor) throw new Error(`a cluster of ${options.nodes.length} nodes cannot keep ${options.replicationFactor} replicas`);
  if (options.minInsyncReplicas > options.replicationFactor) throw new Error('min.insync.replicas above the replication factor: no write would be acknowledged');
  await ensureKafkaJars();
  const sharedDir = join(options.dataDir, 'shared');
  prepareClusterSecrets(sharedDir, options.principals ?? []);
  const quorumVoters = options.nodes.map((node, index) => `${index + 1}@${HOST}:${node.controllerPort}`).join(',');
  const settled = await Promise.allSettled(
    options.nodes.map((node, index) =>
      startKafka({
        dataDir: join(options.dataDir, `node-${index + 1}`),
        port: node.port,
        controllerPort: node.controllerPort,
        heapMb: options.heapMb ?? 384,
        // A quorum's first election and the brokers' registration take longer than one node's start.
        readyTimeoutMs: 180_000,
        principals: options.principals ?? [],
        cluster: { nodeId: index + 1, quorumVoters, sharedDir, replicationFactor: options.replicationFactor, minInsyncReplicas: options.minInsyncReplicas },
      }),
    ),
  );
  const started = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((node) => node.stop()));
    throw failure.reason;
  }
  const [first] = started;
  if (!first) throw new Error('a Kafka cluster needs at least one node');
  const nodes = new Map(started.map((node, index) => [index + 1, node]));
  return {
    brokers: started.flatMap((node) => node.brokers),
    admin: first.admin,
    principals: first.principals,
    nodes,
    stop: async () => {
      await Promise.all(started.map((node) => node.stop()));
    },
  };
}
