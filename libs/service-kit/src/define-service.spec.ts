import { Controller, Injectable, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { MessagingModule } from '@relais/messaging';
import { serviceConfigSchema, type ServiceConfig, type ServiceRole } from '@relais/platform';
import { defineService } from './define-service';
import { POOL_WAITING_LIMIT, PoolPressure } from './pool-pressure';
import { serviceConfig } from './service-config';
import { withoutControllers } from './without-controllers';

@Controller('v1/things')
class ThingsController {}

@Injectable()
class Things {}

@Injectable()
class Sweeper {}

@Module({ controllers: [ThingsController], providers: [Things], exports: [Things] })
class ThingsModule {}

const environment = {
  PORT: '1',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:1/things',
  KAFKA_BROKERS: '127.0.0.1:9092',
  OIDC_ISSUER: 'http://127.0.0.1:1/auth',
  RELAIS_DEPARTMENT: '56',
  RELAIS_ENVIRONMENT: 'development',
};

const things = defineService<ServiceConfig, { sweeper?: boolean }>({
  service: { name: 'things', title: 'Things', description: 'test' },
  readConfig: serviceConfig({}).read,
  database: (config) => ({ url: config.DATABASE_URL, entities: [], migrations: [] }),
  features: (_config, { sweeper = true }) => ({ imports: [ThingsModule], controllers: [ThingsController], providers: [Things], workers: sweeper ? [Sweeper] : [] }),
});

function rootFor(role: ServiceRole, options?: { sweeper?: boolean }): DynamicModule {
  return things.AppModule.forRoot(serviceConfig({}).read({ ...environment, RELAIS_SERVICE_ROLE: role }), options);
}

function messagingWorkers(root: DynamicModule): unknown {
  const messaging = root.imports?.find((imported): imported is DynamicModule => typeof imported === 'object' && 'module' in imported && imported.module === MessagingModule);
  const resolved = messaging?.providers?.find((provider: Provider) => typeof provider === 'object' && 'useValue' in provider && typeof provider.useValue === 'object' && provider.useValue !== null && 'relay' in provider.useValue);
  return resolved && 'useValue' in resolved ? (resolved.useValue as { workers: boolean }).workers : undefined;
}

describe('a service declared with the kit', () => {
  it('reads the shared variables and the service’s own', () => {
    const config = serviceConfig({ THINGS_LIMIT: serviceConfigSchema.PORT }).read({ ...environment, THINGS_LIMIT: '42' });
    expect(config).toMatchObject({ PORT: 1, THINGS_LIMIT: 42, RELAIS_SERVICE_ROLE: 'all' });
  });

  // Where the API is served, the database pool's waiting clients feed admission control (the default limit).
  const poolPressure = [{ provide: POOL_WAITING_LIMIT, useValue: 20 }, PoolPressure];

  it('runs everything in an `all` process', () => {
    const root = rootFor('all');
    expect(root.controllers).toEqual([ThingsController]);
    expect(root.providers).toEqual([Things, Sweeper, ...poolPressure]);
    expect(root.imports).toContain(ThingsModule);
    expect(messagingWorkers(root)).toBe(true);
  });

  it('serves the API without workers in an `api` process', () => {
    const root = rootFor('api');
    expect(root.controllers).toEqual([ThingsController]);
    expect(root.providers).toEqual([Things, ...poolPressure]);
    expect(root.imports).toContain(ThingsModule);
    expect(messagingWorkers(root)).toBe(false);
  });

  it('runs the workers without any controller in a `consumers` process', () => {
    const root = rootFor('consumers');
    expect(root.controllers).toEqual([]);
    expect(root.providers).toEqual([Things, Sweeper]);
    expect(root.imports).not.toContain(ThingsModule);
    // No import keeps a controller, AuthModule's v1/me included.
    for (const imported of root.imports ?? []) {
      if (typeof imported === 'object' && 'module' in imported && imported.controllers) expect(imported.controllers).toEqual([]);
    }
    expect(messagingWorkers(root)).toBe(true);
  });

  it('keeps the test hooks of forRoot', () => {
    expect(rootFor('all', { sweeper: false }).providers).toEqual([Things, ...poolPressure]);
  });

  it('names the root module after the service', () => {
    expect(things.AppModule.name).toBe('ThingsAppModule');
  });
});

describe('withoutControllers', () => {
  it('copies a module’s providers and exports but not its controllers', () => {
    const stripped = withoutControllers(ThingsModule);
    expect(stripped.module).not.toBe(ThingsModule);
    expect(stripped.module.name).toBe('ThingsModule');
    expect(stripped.controllers).toEqual([]);
    expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, stripped.module)).toBeUndefined();
    expect(Reflect.getMetadata(MODULE_METADATA.PROVIDERS, stripped.module)).toEqual([Things]);
    expect(Reflect.getMetadata(MODULE_METADATA.EXPORTS, stripped.module)).toEqual([Things]);
  });

  it('keeps a dynamic module’s own providers and exports', () => {
    const dynamic: DynamicModule = { module: ThingsModule, controllers: [ThingsController], providers: [Sweeper], exports: [Sweeper], global: false };
    const stripped = withoutControllers(dynamic);
    expect(stripped).toMatchObject({ controllers: [], providers: [Sweeper], exports: [Sweeper], global: false });
  });
});
