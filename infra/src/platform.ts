import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway } from './gateway';
import type { Infrastructure } from './infrastructure';
import { localInstance } from '@relais/demo';
import { kafkaSaslEnvironment } from './kafka';
import { localMasterKeyRing } from './local-key-rings';
import { serviceNames, startServices, type RunningServices, type ServiceName } from './service-processes';

export interface PlatformOptions {
  infrastructure: Infrastructure;
  gatewayPort: number;
  /** service → port */
  servicePorts: Record<ServiceName, number>;
  logDir: string;
  /** Where the platform's own secrets are kept (made on first start). */
  secretsDir: string;
  topicPrefix?: string;
  logLevel?: string;
  otlpEndpoint?: string;
  homePage?: () => string;
}

export interface Platform {
  url: string;
  services: RunningServices;
  stop(): Promise<void>;
}

/** Every service's database name: one database per service, no shared tables. */
export const databaseName = (service: ServiceName): string => `relais_${service}`;

/** What one service process reads: its database, the broker and its principal there, the issuer, and its own secrets. */
export function serviceEnvironment(
  name: ServiceName,
  databaseUrl: string,
  options: Pick<PlatformOptions, 'infrastructure' | 'secretsDir' | 'topicPrefix' | 'logLevel' | 'otlpEndpoint'>,
): Record<string, string> {
  const own: Partial<Record<ServiceName, Record<string, string>>> = {
    referral: { REFERRAL_MASTER_KEYS: localMasterKeyRing(options.secretsDir, 'referral') },
    diagnostic: { DIAGNOSTIC_MASTER_KEYS: localMasterKeyRing(options.secretsDir, 'diagnostic') },
  };
  return {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: options.infrastructure.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: options.topicPrefix ?? '',
    // Each service its own Kafka principal: the broker's ACLs let it write only its own topics.
    ...kafkaSaslEnvironment(options.infrastructure.kafkaCredentials(name)),
    OIDC_ISSUER: options.infrastructure.oidcIssuer,
    LOG_LEVEL: options.logLevel ?? 'info',
    ...localInstance,
    ...(options.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint } : {}),
    ...own[name],
  };
}

/** The five services behind one gateway, on top of running infrastructure. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { infrastructure } = options;
  mkdirSync(options.logDir, { recursive: true });
  const databases = await Promise.all(serviceNames.map((name) => infrastructure.database(databaseName(name))));
  const gateway = await startGateway(options.gatewayPort, {
    services: options.servicePorts,
    identityPort: infrastructure.identityPort,
    homePage: options.homePage,
  });
  let services: RunningServices;
  try {
    services = await startServices(
      serviceNames.map((name, index) => ({
        name,
        port: options.servicePorts[name],
        logFile: join(options.logDir, `${name}.log`),
        env: serviceEnvironment(name, databases[index] ?? '', options),
      })),
    );
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  return {
    url: gateway.url,
    services,
    stop: async () => {
      await gateway.stop();
      await services.stop();
    },
  };
}
