import { testEnvNames } from '@relais/testing';
import { startTestInfrastructure } from './test-infrastructure';

interface GlobalWithInfra {
  __relaisTestInfra?: { stop(): Promise<void> };
}

/**
 * Jest global setup of every integration and end-to-end config: one infrastructure for the whole
 * run, reused when the test runner (or the developer) already exported its coordinates.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[testEnvNames.adminDatabaseUrl] && process.env[testEnvNames.kafkaBrokers] && process.env[testEnvNames.oidcIssuer]) {
    return;
  }
  const external = {
    ...(process.env['DATABASE_URL'] ? { databaseUrl: process.env['DATABASE_URL'] } : {}),
    ...(process.env['KAFKA_BROKERS'] ? { kafkaBrokers: process.env['KAFKA_BROKERS'].split(',') } : {}),
  };
  const started = await startTestInfrastructure(external);
  Object.assign(process.env, started.env);
  (globalThis as GlobalWithInfra).__relaisTestInfra = started;
}

export async function globalTeardown(): Promise<void> {
  await (globalThis as GlobalWithInfra).__relaisTestInfra?.stop();
}
