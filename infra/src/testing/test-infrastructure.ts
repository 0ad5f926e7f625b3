import { rmSync } from 'node:fs';
import { testEnvNames } from '@relais/testing';
import { startInfrastructure, type Infrastructure } from '../infrastructure';
import { freePort } from '../net';
import { serviceNames } from '../service-processes';
import { stateSubdir } from '../state-dir';

/**
 * Starts PostgreSQL (fast settings), Kafka and the identity provider on free ports in a throw-away
 * folder, and says where they are in the variables test files read (libs/testing `testInfrastructure`).
 * The setup is the same whether a Docker engine exists or not: these are local processes.
 * `DATABASE_URL` / `KAFKA_BROKERS` in the environment mean servers that already run: they are used instead.
 */
export async function startTestInfrastructure(
  external: { databaseUrl?: string; kafkaBrokers?: string[] } = {},
): Promise<{ infrastructure: Infrastructure; env: Record<string, string>; stop(): Promise<void> }> {
  const dataDir = stateSubdir('test', `run-${process.pid}-${Date.now()}`);
  const [postgres, kafka, kafkaController, identity, smtp, mailWeb, sms] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const infrastructure = await startInfrastructure({
    dataDir,
    ports: { postgres, kafka, kafkaController, identity, smtp, mailWeb, sms },
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
    ...(infrastructure.messages ? { [testEnvNames.messages]: JSON.stringify(infrastructure.messages) } : {}),
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
