import 'reflect-metadata';
import { Logger as NestLogger, type DynamicModule, type INestApplication, type INestApplicationContext, type Type } from '@nestjs/common';
import { ModuleRef, NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { asyncApiDocument } from '@relais/contracts';
import type { Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AdmissionGate } from './admission-gate';
import { FieldErrorView, ProblemView } from './api-problems';
import { ConfigError } from './config';
import { EVENT_BROKERS, type EventBrokers } from './event-brokers';
import { applyOpenApiConventions } from './openapi-conventions';
import { ProblemFilter } from './problem.filter';
import { SERVICE_ROLE, servesApi, type ServiceRole } from './service-role';
import { releaseMemoryWhenIdle, releaseStartupMemory } from './memory-release';
import { relaisValidationPipe } from './validation';

export interface ServiceDescription {
  /** Short name, also the URL segment: /api/<name>/… */
  name: string;
  title: string;
  description: string;
  version?: string;
}

/**
 * Applies the HTTP conventions every service shares (prefix, validation, problems, OpenAPI). A
 * `consumers` process serves its probes only: it documents no API (returns undefined).
 */
export function configureHttp(app: INestApplication, service: ServiceDescription): OpenAPIObject | undefined {
  // First of all: a request refused for overload costs nothing further (admission-gate.ts).
  const gate = optional<AdmissionGate>(app, AdmissionGate);
  if (gate) app.use(gate.middleware);
  app.setGlobalPrefix(`api/${service.name}`);
  app.useGlobalPipes(relaisValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  if (!servesApi(roleOf(app))) return undefined;

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(service.title)
      .setDescription(service.description)
      .setVersion(service.version ?? '1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .setLicense('EUPL-1.2', 'https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12')
      .addServer('/')
      .build(),
    // Every error response points to the problem schema, whether or not a controller used ApiProblems.
    { extraModels: [ProblemView, FieldErrorView] },
  );
  applyOpenApiConventions(document, { shedsLoad: optional<AdmissionGate>(app, AdmissionGate)?.admission.enabled === true, service: service.name });
  SwaggerModule.setup(`api/${service.name}/docs`, app, document, {
    jsonDocumentUrl: `api/${service.name}/openapi.json`,
    yamlDocumentUrl: `api/${service.name}/openapi.yaml`,
  });
  // The event contract is served beside the HTTP one: every service publishes or consumes from the same catalog.
  const events = asyncApiDocument({ kafka: eventBrokersOf(app) });
  app.getHttpAdapter().get(`/api/${service.name}/asyncapi.json`, (_request: unknown, response: Response) => {
    response.json(events);
  });
  return document;
}

/**
 * The brokers MessagingModule registered, if the service has messaging. Looked up through ModuleRef:
 * `app.get` of a missing token ends the process (Nest's abortOnError) instead of throwing.
 */
function eventBrokersOf(app: INestApplication): EventBrokers | undefined {
  return optional<EventBrokers>(app, EVENT_BROKERS);
}

/** The role PlatformModule provides; `all` for a module built without it (a library's own test). */
function roleOf(app: INestApplication): ServiceRole {
  return optional<ServiceRole>(app, SERVICE_ROLE) ?? 'all';
}

function optional<T>(app: INestApplication, token: symbol | Type<T>): T | undefined {
  try {
    return app.get(ModuleRef).get<symbol | Type<T>, T>(token, { strict: false });
  } catch {
    return undefined;
  }
}

export async function createServiceApp(module: Type | DynamicModule, service: ServiceDescription): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttp(app, service);
  return app;
}

export interface ServiceEntry<C> {
  module: (config: C) => Type | DynamicModule;
  /** Applies (`up`) or reverts the last (`down`) migration, returning the names applied. */
  migrate: (config: C, direction: 'up' | 'down') => Promise<string[]>;
  /**
   * The service's own commands (`main.js <name> [args…]`, e.g. a seed or an import), run instead of
   * serving. Each usually works inside `withApplicationContext`; a rejection exits with code 1.
   */
  commands?: Record<string, (config: C, args: string[]) => Promise<void>>;
}

/**
 * Runs `work` with the module's providers but no HTTP server (a command line, a one-off job), then
 * closes the context (pools, Kafka clients) whatever happened.
 */
export async function withApplicationContext<T>(module: Type | DynamicModule, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });
  try {
    await app.init();
    return await work(app);
  } finally {
    await app.close();
  }
}

/**
 * A service's main: read the config (exit naming the bad variable), then either serve, or with the
 * argument `migrate` / `migrate:revert` change the schema and exit, or run one of the service's own
 * `commands` and exit.
 * SIGTERM closes the HTTP server, then the modules (consumers, pools) in reverse order.
 */
export async function runService<C extends { PORT: number; HOST: string }>(
  service: ServiceDescription,
  readConfig: () => C,
  entry: ServiceEntry<C>,
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  let config: C;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`[${service.name}] ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const command = argv[0];
  try {
    if (command === 'migrate' || command === 'migrate:revert') {
      const applied = await entry.migrate(config, command === 'migrate' ? 'up' : 'down');
      process.stdout.write(`[${service.name}] ${command} : ${applied.length ? applied.join(', ') : 'rien à appliquer'}\n`);
      return;
    }
    if (command !== undefined) {
      const own = entry.commands && Object.hasOwn(entry.commands, command) ? entry.commands[command] : undefined;
      if (!own) {
        const known = ['migrate', 'migrate:revert', ...Object.keys(entry.commands ?? {})];
        process.stderr.write(`[${service.name}] commande inconnue : ${command} (commandes : ${known.join(', ')} ; sans argument, le service démarre)\n`);
        process.exit(64); // EX_USAGE
      }
      await own(config, argv.slice(1));
      return;
    }
    const app = await createServiceApp(entry.module(config), service);
    await app.init();
    releaseStartupMemory();
    await app.listen(config.PORT, config.HOST);
    // Stopped with the process: the timer does not keep it alive (unref).
    releaseMemoryWhenIdle();
    new NestLogger(service.name).log(`listening on http://${config.HOST}:${config.PORT}/api/${service.name}`);
  } catch (error) {
    process.stderr.write(`[${service.name}] échec de ${command ?? 'démarrage'} : ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  }
}
