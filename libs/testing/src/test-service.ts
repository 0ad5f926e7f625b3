import { randomBytes } from 'node:crypto';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { createServiceApp, type ServiceDescription } from '@relais/platform';
import { localInstance } from '@relais/demo';
import { databaseUrl, dropProvisionedDatabase, provisionDatabase } from '@relais/persistence';
import { testInfrastructure, type KafkaCredentials } from './test-environment';

/**
 * A database of its own for one test file, so files run in parallel without sharing rows, provisioned as
 * in production: `url` connects as the database's own role (owner, no superuser, append-only tables
 * sealed by the service), `adminUrl` as the server's admin, for what a test must inspect or break from outside.
 */
export async function createTestDatabase(label: string): Promise<{ url: string; adminUrl: string; drop(): Promise<void> }> {
  const { adminDatabaseUrl } = testInfrastructure();
  const name = `t_${label.replace(/[^a-z0-9]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const url = await provisionDatabase(adminDatabaseUrl, name, randomBytes(18).toString('hex'));
  return {
    url,
    adminUrl: databaseUrl(adminDatabaseUrl, name),
    drop: () => dropProvisionedDatabase(adminDatabaseUrl, name),
  };
}

/** A topic prefix of its own for one test file: topics, groups and offsets never collide. */
export function uniqueTopicPrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}.`;
}

/** The environment a service reads, pointed at this run's infrastructure with a fresh database. */
export async function serviceTestEnvironment(label: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const infrastructure = testInfrastructure();
  const database = await createTestDatabase(label);
  return {
    env: {
      PORT: '1',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(label),
      // The privileged test principal: the ACLs `npm start` relies on are for the empty prefix (see kafka-acls.int-spec).
      ...(infrastructure.kafkaSasl ? { KAFKA_SASL_USERNAME: infrastructure.kafkaSasl.username, KAFKA_SASL_PASSWORD: infrastructure.kafkaSasl.password } : {}),
      OIDC_ISSUER: infrastructure.oidcIssuer,
      LOG_LEVEL: 'error',
      ...localInstance,
    },
    drop: database.drop,
  };
}

export interface TestService {
  app: INestApplication;
  /** Base URL, e.g. http://127.0.0.1:41234/api/directory */
  url: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Boots a service in-process exactly as its main does (same module, same HTTP conventions),
 * against the real infrastructure, on a free port.
 */
export async function startTestService<C>(
  service: ServiceDescription,
  readConfig: (source: Record<string, string | undefined>) => C,
  moduleFor: (config: C) => DynamicModule,
  overrides: Record<string, string> = {},
): Promise<TestService> {
  const { env, drop } = await serviceTestEnvironment(service.name);
  Object.assign(env, overrides);
  const app = await createServiceApp(moduleFor(readConfig(env)), service);
  await app.listen(0, '127.0.0.1');
  return {
    app,
    url: `${await app.getUrl()}/api/${service.name}`,
    env,
    stop: async () => {
      await app.close();
      await drop();
    },
  };
}

/** Where a stand-in publisher (see @relais/messaging/testing) needs to write: its own database, this run's broker and test principal. */
export async function standInTarget(
  label: string,
): Promise<{ databaseUrl: string; brokers: string[]; sasl?: KafkaCredentials; drop(): Promise<void> }> {
  const database = await createTestDatabase(`standin_${label}`);
  const { kafkaBrokers, kafkaSasl } = testInfrastructure();
  return { databaseUrl: database.url, brokers: kafkaBrokers, ...(kafkaSasl ? { sasl: kafkaSasl } : {}), drop: database.drop };
}
