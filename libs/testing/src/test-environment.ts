import type { Publisher } from '@relais/contracts';

/**
 * How test files find the infrastructure of the run: the global setup (infra/src/testing) starts it, or
 * the developer points at servers that already run, and publishes its coordinates under these names.
 */
/** A SASL principal of the broker (the shape of @relais/messaging's, which this lib must not import: messaging's tests use it). */
export interface KafkaCredentials {
  username: string;
  password: string;
}

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
  /** The run's local SMTP server (MailDev) and SMS stand-in, JSON (see `testMessaging`). */
  messages: 'RELAIS_TEST_MESSAGES',
} as const;

/** Where this run's real SMTP server and SMS stand-in listen, and where they keep what they received. */
export interface TestMessaging {
  smtpHost: string;
  smtpPort: number;
  /** MailDev's web page and REST API: `<mailWebUrl>/api/email`. */
  mailWebUrl: string;
  mailDir: string;
  smsApiUrl: string;
  smsApiKey: string;
  smsDir: string;
}

/** The run's mail and SMS components, as the global setup started them. */
export function testMessaging(): TestMessaging {
  const value = process.env[testEnvNames.messages];
  if (!value) throw new Error(`${testEnvNames.messages} absent: run integration tests through their jest config (global setup)`);
  return JSON.parse(value) as TestMessaging;
}

export interface TestInfrastructure {
  adminDatabaseUrl: string;
  kafkaBrokers: string[];
  /**
   * The privileged test principal (the broker's super user): test services, stand-ins and raw clients
   * use it, each on a topic prefix of its own. Undefined with an external cluster without SASL.
   */
  kafkaSasl: KafkaCredentials | undefined;
  /** The principals `npm start` gives each service, with the broker's ACLs for them on the empty prefix. */
  kafkaServices: Partial<Record<Publisher, KafkaCredentials>>;
  oidcIssuer: string;
  tokenEndpoint: string;
  identityPort: number;
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
    kafkaServices: JSON.parse(process.env[testEnvNames.kafkaServices] ?? '{}') as Partial<Record<Publisher, KafkaCredentials>>,
    oidcIssuer: read(testEnvNames.oidcIssuer),
    tokenEndpoint: read(testEnvNames.tokenEndpoint),
    identityPort: Number(read(testEnvNames.identityPort)),
  };
}

/**
 * What a raw kafkajs client of a test needs (spread into `new Kafka({ clientId, ...testKafkaClient() })`):
 * this run's brokers, signed in as the privileged test principal.
 */
export function testKafkaClient(): { brokers: string[]; sasl?: { mechanism: 'scram-sha-512'; username: string; password: string } } {
  const { kafkaBrokers, kafkaSasl } = testInfrastructure();
  return { brokers: kafkaBrokers, ...(kafkaSasl ? { sasl: { mechanism: 'scram-sha-512', ...kafkaSasl } } : {}) };
}
