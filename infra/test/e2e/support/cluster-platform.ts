import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { demoAccounts } from '@relais/demo';
import { demoAccountsFile, stateSubdir, type DemoAccountsFile } from '../../../src';
import { awaitDirectoryCopies } from '../../../src/directory-copies';
import { startGateway, type Gateway } from '../../../src/gateway';
import { startInfrastructure, type Infrastructure } from '../../../src/infrastructure';
import { grantServiceAcls, servicePrincipal, startKafkaCluster, type KafkaCluster } from '../../../src/kafka';
import { portAnswers } from '../../../src/net';
import { databaseName, serviceEnvironment } from '../../../src/platform';
import { serviceNames, startServices, tail, type RunningServices, type ServiceSpec } from '../../../src/service-processes';
import { builtFile } from '../../../src/state-dir';

/** The layout under test (issue 15 item 6): 3 brokers, every topic on all 3, a write acknowledged by 2. */
export const CLUSTER = { nodes: 3, replicationFactor: 3, minInsyncReplicas: 2, consumersReplicas: 2 } as const;

export interface ClusterPlatform {
  origin: string;
  kafka: KafkaCluster;
  infrastructure: Infrastructure;
  services: RunningServices;
  accounts: DemoAccountsFile;
  logDir: string;
  /** A superuser URL to one service's database, for tests that look inside. */
  adminDatabaseUrl(service: string): string;
  stop(): Promise<void>;
}

/**
 * The services whose HTTP API the test uses (the directory to find the receiving service, referral to send
 * and read the inbox): only these get an `api` process, to keep the machine's two cores for the consumers.
 */
const API_SERVED: readonly string[] = ['directory', 'referral'];

/** Offsets from the base port: gateway, services' api processes, consumers replicas, PostgreSQL, identity, mail, Kafka nodes. */
const offsets = { gateway: 0, api: 1, consumers: 11, postgres: 7432, identity: 9, smtp: 1025, mailWeb: 1080, sms: 1090, kafka: 11092 } as const;
const portCount = (): number[] => [
  offsets.gateway,
  ...serviceNames.map((_, index) => offsets.api + index),
  ...serviceNames.flatMap((_, index) => Array.from({ length: CLUSTER.consumersReplicas }, (__, replica) => offsets.consumers + index * CLUSTER.consumersReplicas + replica)),
  offsets.postgres,
  offsets.identity,
  offsets.smtp,
  offsets.mailWeb,
  offsets.sms,
  ...Array.from({ length: CLUSTER.nodes * 2 }, (_, index) => offsets.kafka + index),
];

/**
 * A base whose ports are all free, every one below the kernel's ephemeral range (32768 and up): on a
 * machine busy with other suites, a port of that range found free is soon some connection's source port.
 */
async function freeBase(): Promise<number> {
  const highest = Math.max(...portCount());
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (32_000 - highest - 10_000));
    const answers = await Promise.all(portCount().map((offset) => portAnswers(base + offset)));
    if (answers.every((answer) => !answer)) return base;
  }
  throw new Error('no free port range');
}

function runNode(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}

/**
 * What `npm start` runs, on a three-node Kafka cluster instead of the single dev broker, and with every
 * service split by role: two `consumers` replicas in the same consumer group, and an `api` process behind
 * the gateway for the services the test calls. The services are told the cluster's layout by configuration only (KAFKA_BROKERS,
 * KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS): no code knows it is a cluster.
 */
export async function startClusterPlatform(label: string): Promise<ClusterPlatform> {
  // A port found free can still be taken before it is bound: another range, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(label);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error) || !/already in use|EADDRINUSE/i.test(error.message)) throw error;
    }
  }
}

async function startOnce(label: string): Promise<ClusterPlatform> {
  const base = await freeBase();
  const dataDir = stateSubdir('test', `e2e-${label}-${process.pid}`);
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const kafka = await startKafkaCluster({
      dataDir: join(dataDir, 'kafka'),
      nodes: Array.from({ length: CLUSTER.nodes }, (_, index) => ({ port: base + offsets.kafka + index * 2, controllerPort: base + offsets.kafka + index * 2 + 1 })),
      replicationFactor: CLUSTER.replicationFactor,
      minInsyncReplicas: CLUSTER.minInsyncReplicas,
      heapMb: 320,
      principals: serviceNames.map(servicePrincipal),
    });
    stops.push(() => kafka.stop());
    await grantServiceAcls(kafka.brokers, kafka.admin, serviceNames, '');

    const gatewayPort = base + offsets.gateway;
    const local = await startInfrastructure({
      dataDir,
      ports: {
        postgres: base + offsets.postgres,
        // Unused: Kafka is the cluster above (external to startInfrastructure).
        kafka: base + offsets.kafka,
        kafkaController: base + offsets.kafka + 1,
        identity: base + offsets.identity,
        smtp: base + offsets.smtp,
        mailWeb: base + offsets.mailWeb,
        sms: base + offsets.sms,
      },
      issuer: `http://127.0.0.1:${gatewayPort}/auth`,
      external: { kafkaBrokers: kafka.brokers },
      fast: true,
    });
    stops.push(() => local.stop());
    // The cluster's principals, as the local broker's would be: each service signs in as itself.
    const infrastructure: Infrastructure = { ...local, kafkaAdmin: kafka.admin, kafkaCredentials: (service) => kafka.principals[servicePrincipal(service)] };

    const secretsDir = join(dataDir, 'secrets');
    const urls = await Promise.all(serviceNames.map((name) => infrastructure.database(databaseName(name))));
    const gateway: Gateway = await startGateway(gatewayPort, {
      services: Object.fromEntries(serviceNames.map((name, index) => [name, base + offsets.api + index])),
      identityPort: infrastructure.identityPort,
      mailPort: infrastructure.messages?.mailWebPort,
    });
    stops.push(() => gateway.stop());
    const layout = { KAFKA_REPLICATION_FACTOR: String(CLUSTER.replicationFactor), KAFKA_MIN_INSYNC_REPLICAS: String(CLUSTER.minInsyncReplicas) };
    const specs: ServiceSpec[] = serviceNames.flatMap((name, index) => {
      const env = { ...serviceEnvironment(name, urls[index] ?? '', { infrastructure, secretsDir, logLevel: 'info', publicUrl: gateway.url }), ...layout };
      return [
        ...(API_SERVED.includes(name) ? [{ name, role: 'api' as const, port: base + offsets.api + index, logFile: join(logDir, `${name}-api.log`), env }] : []),
        ...Array.from({ length: CLUSTER.consumersReplicas }, (_, replica) => ({
          name,
          role: 'consumers' as const,
          replica: replica + 1,
          port: base + offsets.consumers + index * CLUSTER.consumersReplicas + replica,
          logFile: join(logDir, `${name}-consumers-${replica + 1}.log`),
          env,
        })),
      ];
    });
    // Twelve processes on a shared machine: their start is slow, not stuck.
    const services = await startServices(specs, { timeoutMs: 400_000 });
    stops.push(() => services.stop());

    await runNode([builtFile('services/directory/src/main.js'), 'seed'], {
      ...serviceEnvironment('directory', urls[0] ?? '', { infrastructure, secretsDir, logLevel: 'warn' }),
      ...layout,
      PORT: '1',
    });
    const behind = await awaitDirectoryCopies({ directoryDatabaseUrl: urls[0] ?? '', kafkaBrokers: kafka.brokers, kafkaAdmin: kafka.admin, topicPrefix: '', timeoutMs: 300_000 });
    if (behind.length > 0) throw new Error(`the directory copies did not catch up: ${behind.join('; ')}`);

    return {
      origin: gateway.url,
      kafka,
      infrastructure,
      services,
      accounts: demoAccountsFile(infrastructure, demoAccounts()),
      logDir,
      adminDatabaseUrl: (service) => `postgres://postgres:relais-dev@127.0.0.1:${base + offsets.postgres}/relais_${service}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The last lines of each process's log, to say why a condition was not met. */
export function logTails(platform: Pick<ClusterPlatform, 'logDir'>, files: string[]): string {
  return files.map((file) => `--- ${file}\n${tail(join(platform.logDir, file), 10)}`).join('\n');
}
