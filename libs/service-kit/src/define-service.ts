import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { AuthModule } from '@relais/auth';
import { kafkaSettings, KafkaReadiness, MessagingModule } from '@relais/messaging';
import { migrate, PersistenceModule, PostgresReadiness, type ServiceDatabase } from '@relais/persistence';
import {
  admissionSettingsOf,
  PlatformModule,
  runService,
  runsWorkers,
  servesApi,
  type ReadinessCheck,
  type ServiceConfig,
  type ServiceDescription,
  type ServiceEntry,
  type ServiceRole,
} from '@relais/platform';
import { POOL_WAITING_LIMIT, PoolPressure } from './pool-pressure';
import { withoutControllers, type FeatureModule } from './without-controllers';

/** What the process being built runs, from RELAIS_SERVICE_ROLE (libs/platform service-role.ts). */
export interface ServiceProcess {
  role: ServiceRole;
  servesApi: boolean;
  runsWorkers: boolean;
}

/** A service's own parts, which the kit wraps in the platform. */
export interface ServiceFeatures {
  /** Feature modules. In a `consumers` process their own controllers are left out (probes only). */
  imports?: FeatureModule[];
  /** Registered only in a process that serves the API. */
  controllers?: Type[];
  providers?: Provider[];
  /**
   * Periodic jobs and other background loops: registered only in a process that runs workers, so an
   * `api` process never instantiates (hence never starts) them. A feature module's own background
   * providers are gated the same way by registering them only when `process.runsWorkers`.
   */
  workers?: Provider[];
}

export interface ServiceDefinition<C extends ServiceConfig, O> {
  /** Name (the URL segment /api/<name>, the Kafka client and group), title and description (OpenAPI). */
  service: ServiceDescription;
  /** The config's reader (serviceConfig(…).read): the shared variables and the service's own. */
  readConfig: (source?: Record<string, string | undefined>) => C;
  /** The service's database (its database.ts): applied by `migrate` and at every start. */
  database: (config: C) => ServiceDatabase;
  /** Dependencies /health/ready checks besides PostgreSQL and Kafka. */
  readiness?: Type<ReadinessCheck>[];
  /** The service's own modules, controllers and providers; `options` are the test hooks of forRoot. */
  features: (config: C, options: O, process: ServiceProcess) => ServiceFeatures;
}

/** The root module of a service: `AppModule.forRoot(config, options)` (what main and the tests boot). */
export interface ServiceModule<C, O> extends Type {
  forRoot(config: C, options?: O): DynamicModule;
}

export interface DefinedService<C extends ServiceConfig, O> {
  service: ServiceDescription;
  AppModule: ServiceModule<C, O>;
  /** The service's main: serve, `migrate`, `migrate:revert`, or one of its `commands` (runService). */
  run(entry?: Pick<ServiceEntry<C>, 'commands'>): Promise<void>;
}

/**
 * Declares a service in a few lines: the kit brings what every service has (logs and traces, health and
 * readiness, the database with its migrations and ambient transactions, Kafka, authentication) and
 * decides from RELAIS_SERVICE_ROLE what the process runs: the API (`api`), the consumers, the outbox
 * relay and the periodic jobs (`consumers`), or both (`all`, the default).
 */
export function defineService<C extends ServiceConfig, O = Record<string, never>>(definition: ServiceDefinition<C, O>): DefinedService<C, O> {
  const { service } = definition;

  @Module({})
  class AppModule {
    static forRoot(config: C, options?: O): DynamicModule {
      const role = config.RELAIS_SERVICE_ROLE;
      const process: ServiceProcess = { role, servesApi: servesApi(role), runsWorkers: runsWorkers(role) };
      const features = definition.features(config, options ?? ({} as O), process);
      return {
        module: AppModule,
        imports: [
          PlatformModule.forRoot({
            service: service.name,
            logLevel: config.LOG_LEVEL,
            readiness: [PostgresReadiness, KafkaReadiness, ...(definition.readiness ?? [])],
            role,
            metrics: { port: config.METRICS_PORT, host: config.HOST },
            admission: admissionSettingsOf(config),
          }),
          PersistenceModule.forRoot(definition.database(config)),
          MessagingModule.forRoot({ service: service.name, ...kafkaSettings(config), workers: process.runsWorkers }),
          // AuthModule's own route (v1/me) is part of the API too.
          ...[AuthModule.fromConfig(config), ...(features.imports ?? [])].map((feature) => (process.servesApi ? feature : withoutControllers(feature))),
        ],
        controllers: process.servesApi ? (features.controllers ?? []) : [],
        providers: [
          ...(features.providers ?? []),
          ...(process.runsWorkers ? (features.workers ?? []) : []),
          ...(process.servesApi ? [{ provide: POOL_WAITING_LIMIT, useValue: config.ADMISSION_MAX_POOL_WAITING }, PoolPressure] : []),
        ],
      };
    }
  }
  // Nest names the module in its logs and errors after the class.
  Object.defineProperty(AppModule, 'name', { value: `${pascal(service.name)}AppModule` });

  return {
    service,
    AppModule,
    run: (entry = {}) =>
      runService(service, () => definition.readConfig(), {
        module: (config) => AppModule.forRoot(config),
        migrate: (config, direction) => migrate(definition.database(config), direction),
        ...entry,
      }),
  };
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
