import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@relais/platform';
import { startGateway, type WebApp } from './gateway';
import type { Infrastructure } from './infrastructure';
import { demoAccounts, localInstance, NOTIFICATION_CLIENT_ID } from '@relais/demo';
import { kafkaSaslEnvironment } from './kafka';
import { localActionLinkKeys, localMasterKeyRing } from './local-key-rings';
import { serviceNames, startServices, type RunningServices, type ServiceName, type ServiceSpec, type StartServicesOptions } from './service-processes';

export interface PlatformOptions {
  infrastructure: Infrastructure;
  gatewayPort: number;
  /** service → port (of its `api` process when split) */
  servicePorts: Record<ServiceName, number>;
  /** Services run as two processes, `api` (on servicePorts) and `consumers` (on consumersPorts); the others run `all`. */
  splitRoles?: readonly ServiceName[];
  /** service → port of its `consumers` process, for the split ones (probes only). */
  consumersPorts?: Record<ServiceName, number>;
  /** service → METRICS_PORT of its `all` (or `api`) process, and of its `consumers` process; no /metrics when absent. */
  metricsPorts?: Record<ServiceName, number>;
  consumersMetricsPorts?: Record<ServiceName, number>;
  logDir: string;
  /** Where the platform's own secrets are kept (made on first start). */
  secretsDir: string;
  topicPrefix?: string;
  logLevel?: string;
  otlpEndpoint?: string;
  homePage?: () => string;
  /** Where the services' pid files are kept, so that a start after a SIGKILLed orchestrator stops what it left. */
  runDir?: string;
  /** Restart a service process that exits on its own (npm start), saying so through `log`. */
  supervision?: StartServicesOptions['supervision'];
  /** The web workspace's build and instance settings; without it the gateway shows homePage at /. */
  web?: WebApp;
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
  options: Pick<PlatformOptions, 'infrastructure' | 'secretsDir' | 'topicPrefix' | 'logLevel' | 'otlpEndpoint'> & { publicUrl?: string; servicesUrl?: (service: ServiceName) => string },
): Record<string, string> {
  const notifier = demoAccounts().clients.find((client) => client.clientId === NOTIFICATION_CLIENT_ID);
  const actionLinks = localActionLinkKeys(options.secretsDir);
  const messages = options.infrastructure.messages;
  const own: Partial<Record<ServiceName, Record<string, string>>> = {
    referral: { REFERRAL_MASTER_KEYS: localMasterKeyRing(options.secretsDir, 'referral'), ACTION_LINK_VERIFY_KEYS: actionLinks.publicKey },
    diagnostic: { DIAGNOSTIC_MASTER_KEYS: localMasterKeyRing(options.secretsDir, 'diagnostic') },
    notification: {
      ACTION_LINK_SIGNING_KEY: actionLinks.privateKey,
      ...(options.publicUrl ? { RELAIS_PUBLIC_URL: options.publicUrl } : {}),
      // The person's own messages: notification asks the referral service where to reach them (docs/security.md).
      ...(options.servicesUrl && notifier
        ? { REFERRAL_API_URL: options.servicesUrl('referral'), NOTIFIER_CLIENT_ID: notifier.clientId, NOTIFIER_CLIENT_SECRET: notifier.clientSecret }
        : {}),
      // The coordinators' weekly summary: their addresses are the directory's networks'.
      ...(options.servicesUrl ? { DIRECTORY_API_URL: options.servicesUrl('directory') } : {}),
      ...(messages
        ? { SMTP_HOST: messages.smtpHost, SMTP_PORT: String(messages.smtpPort), SMS_API_URL: messages.smsApiUrl, SMS_API_KEY: messages.smsApiKey }
        : {}),
    },
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

/**
 * The process(es) of one service: one `all` process, or for a service in `splitRoles` an `api` process
 * (the gateway's target) and a `consumers` process on a port of its own. They share the database, the
 * topics and the consumer group; migrations are applied by whichever starts first (under a lock).
 */
function serviceProcesses(
  name: ServiceName,
  env: Record<string, string>,
  options: Pick<PlatformOptions, 'servicePorts' | 'splitRoles' | 'consumersPorts' | 'metricsPorts' | 'consumersMetricsPorts' | 'logDir'>,
): ServiceSpec[] {
  const metricsPort = options.metricsPorts?.[name];
  if (!options.splitRoles?.includes(name)) return [{ name, port: options.servicePorts[name], metricsPort, logFile: join(options.logDir, `${name}.log`), env }];
  const consumersPort = options.consumersPorts?.[name];
  if (consumersPort === undefined) throw new Error(`no port for the consumers process of ${name}`);
  return [
    { name, role: 'api', port: options.servicePorts[name], metricsPort, logFile: join(options.logDir, `${name}-api.log`), env },
    { name, role: 'consumers', port: consumersPort, metricsPort: options.consumersMetricsPorts?.[name], logFile: join(options.logDir, `${name}-consumers.log`), env },
  ];
}

/** Reads RELAIS_SPLIT_ROLES: `all`, or service names separated by commas; empty: no service split. */
export function parseSplitRoles(value: string | undefined): ServiceName[] {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 1 && items[0] === 'all') return [...serviceNames];
  const unknown = items.filter((item) => !(serviceNames as readonly string[]).includes(item));
  if (unknown.length > 0) throw new ConfigError([`RELAIS_SPLIT_ROLES : service inconnu ${unknown.join(', ')} (services : ${serviceNames.join(', ')}, ou all)`]);
  return items as ServiceName[];
}

/** The five services behind one gateway, on top of running infrastructure. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { infrastructure } = options;
  mkdirSync(options.logDir, { recursive: true });
  const databases = await Promise.all(serviceNames.map((name) => infrastructure.database(databaseName(name))));
  const gateway = await startGateway(options.gatewayPort, {
    services: options.servicePorts,
    identityPort: infrastructure.identityPort,
    mailPort: infrastructure.messages?.mailWebPort,
    homePage: options.homePage,
    ...(options.web ? { web: options.web } : {}),
  });
  let services: RunningServices;
  try {
    services = await startServices(
      serviceNames.flatMap((name, index) =>
        serviceProcesses(name, serviceEnvironment(name, databases[index] ?? '', { ...options, publicUrl: gateway.url, servicesUrl: (service) => `http://127.0.0.1:${options.servicePorts[service]}/api/${service}` }), options),
      ),
      { ...(options.runDir ? { runDir: options.runDir } : {}), ...(options.supervision ? { supervision: options.supervision } : {}) },
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
