import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway } from './gateway';
import type { Infrastructure } from './infrastructure';
import { serviceNames, startServices, type RunningServices, type ServiceName } from './service-processes';

export interface PlatformOptions {
  infrastructure: Infrastructure;
  gatewayPort: number;
  /** service → port */
  servicePorts: Record<ServiceName, number>;
  logDir: string;
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
        env: {
          DATABASE_URL: databases[index] ?? '',
          KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
          KAFKA_TOPIC_PREFIX: options.topicPrefix ?? '',
          OIDC_ISSUER: infrastructure.oidcIssuer,
          LOG_LEVEL: options.logLevel ?? 'info',
          ...(options.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint } : {}),
        },
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
