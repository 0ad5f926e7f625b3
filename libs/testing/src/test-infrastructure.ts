import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, serviceNames, startInfrastructure, stateSubdir, type Infrastructure, type KafkaCredentials, type ServiceName } from '@relais/infra';

/** How test files find the infrastructure the global setup started (or was pointed at). */
export const testEnvNames = {
  adminDatabaseUrl: 'RELAIS_TEST_ADMIN_DATABASE_URL',
  kafkaBrokers: 'RELAIS_TEST_KAFKA_BROKERS',
  /** The broker's super user, JSON `{ username, password }`; absent with an external cluster without SASL. */
  kafkaAdmin: 'RELAIS_TEST_KAFKA_ADMIN',
  /** Each service's own principal, JSON `{ <service>: { username, password } }` (for tests of the ACLs). */
  kafkaServices: 'RELAIS_TEST_KAFKA_SERVICES',
  oidcIssuer: 'RELAIS_TEST_OIDC_ISSUER',
  tokenEndpoint: 'RELAIS_TEST_TOKEN_ENDPOINT',
  identityPort: 'RELAIS_TEST_IDENTITY_PORT',
} as const;

export interface TestInfrastructure {
  adminDatabaseUrl: string;
  kafkaBrokers: string[];
  /**
   * The privileged test principal (the broker's super user): test services, stand-ins and raw clients
   * use it, each on a topic prefix of its own. Undefined with an external cluster without SASL.
   */
  kafkaSasl: KafkaCredentials | undefined;
  /** The principals `npm start` gives each service, with the broker's ACLs for them on the empty prefix. */
  kafkaServices: Partial<Record<ServiceName, KafkaCredentials>>;
  oidcIssuer: string;
  tokenEndpoint: string;
  identityPort: number;
}

/**
 * Starts PostgreSQL (fast settings), Kafka and the identity provider on free ports in a throw-away
 * folder. The setup is the same whether a Docker engine exists or not: these are local processes.
 * `DATABASE_URL` / `KAFKA_BROKERS` in the environment mean servers that already run: they are used instead.
 */
export async function startTestInfrastructure(
  external: { databaseUrl?: string; kafkaBrokers?: string[] } = {},
): Promise<{ infrastructure: Infrastructure; env: Record<string, string>; stop(): Promise<void> }> {
  const dataDir = stateSubdir('test', `run-${process.pid}-${Date.now()}`);
  const [postgres, kafka, kafkaController, identity] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const infrastructure = await startInfrastructure({
    dataDir,
    ports: { postgres, kafka, kafkaController, identity },
    external,
    fast: true,
  });
  const env: Record<string, string> = {
    [testEnvNames.adminDatabaseUrl]: infrastructure.adminDatabaseUrl,
    [testEnvNames.kafkaBrokers]: infrastructure.kafkaBrokers.join(','),
    ...(infrastructure.kafkaAdmin ? { [testEnvNames.kafkaAdmin]: JSON.stringify(infrastructure.kafkaAdmin) } : {}),
    [testEnvNames.kafkaServices]: JSON.stringify(
      Object.fromEntries(serviceNames.flatMap((name) => (infrastructure.kafkaCredentials(name) ? [[name, infrastructure.kafkaCredentials(name)]] : []))),
    ),
    [testEnvNames.oidcIssuer]: infrastructure.oidcIssuer,
    [testEnvNames.tokenEndpoint]: infrastructure.tokenEndpoint ?? '',
    [testEnvNames.identityPort]: String(infrastructure.identityPort ?? ''),
  };
  return {
    infrastructure,
    env,
    stop: async () => {
      await infrastructure.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The infrastructure of this test run, as the global setup published it. */
export function testInfrastructure(): TestInfrastructure {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} absent: run integration tests through their jest config (global setup)`);
    return value;
  };
  const kafkaAdmin = process.env[testEnvNames.kafkaAdmin];
  return {
    adminDatabaseUrl: read(testEnvNames.adminDatabaseUrl),
    kafkaBrokers: read(testEnvNames.kafkaBrokers).split(','),
    kafkaSasl: kafkaAdmin ? (JSON.parse(kafkaAdmin) as KafkaCredentials) : undefined,
    kafkaServices: JSON.parse(process.env[testEnvNames.kafkaServices] ?? '{}') as Partial<Record<ServiceName, KafkaCredentials>>,
    oidcIssuer: read(testEnvNames.oidcIssuer),
    tokenEndpoint: read(testEnvNames.tokenEndpoint),
    identityPort: Number(read(testEnvNames.identityPort)),
  };
}

export function testDataDir(...parts: string[]): string {
  return join(stateSubdir('test'), ...parts);
}

/**
 * What a raw kafkajs client of a test needs (spread into `new Kafka({ clientId, ...testKafkaClient() })`):
 * this run's brokers, signed in as the privileged test principal.
 */
export function testKafkaClient(): { brokers: string[]; sasl?: { mechanism: 'scram-sha-512'; username: string; password: string } } {
  const { kafkaBrokers, kafkaSasl } = testInfrastructure();
  return { brokers: kafkaBrokers, ...(kafkaSasl ? { sasl: { mechanism: 'scram-sha-512', ...kafkaSasl } } : {}) };
}
