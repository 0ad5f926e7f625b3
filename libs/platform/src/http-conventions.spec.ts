import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, Min, ValidateNested } from 'class-validator';
import type { INestApplication } from '@nestjs/common';
import { configureHttp } from './bootstrap';
import { DomainError } from './domain-error';
import { EVENT_BROKERS, type EventBrokers } from './event-brokers';

class Person {
  @IsString() reference!: string;
}

class CreateThing {
  @IsString() name!: string;
  @IsIn(['normal', 'urgent']) urgency!: string;
  @ValidateNested() @Type(() => Person) person!: Person;
}

class ListQuery {
  @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
}

@Controller('v1/things')
class ThingController {
  @ApiBearerAuth()
  @Post()
  create(@Body() body: CreateThing): CreateThing {
    return body;
  }

  @Post('open')
  open(): string {
    return 'open';
  }

  @Get()
  list(@Query() query: ListQuery): ListQuery {
    return query;
  }

  @Get('conflict')
  conflict(): never {
    throw new DomainError('illegal-transition', 'Impossible de passer de « completed » à « accepted ».', {
      currentStatus: 'completed',
      allowedStatuses: [],
    });
  }

  @Get('database-restarting')
  databaseRestarting(): never {
    // What node-postgres throws while PostgreSQL restarts (SQLSTATE 57P03), as TypeORM wraps it.
    throw Object.assign(new Error('Query failed'), { driverError: Object.assign(new Error('the database system is starting up'), { code: '57P03' }) });
  }

  @Get('database-gone')
  databaseGone(): never {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  @Get('database-dropped')
  databaseDropped(): never {
    // TypeORM's error when the transaction's connection was dropped by a PostgreSQL killed mid-request.
    throw Object.assign(new Error('Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.'), {
      name: 'QueryRunnerProviderAlreadyReleasedError',
    });
  }

  @Get('database-dropped-runner')
  databaseDroppedRunner(): never {
    // The same, met when the transaction's query runner itself was released by that drop.
    throw Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' });
  }

  @Get('crash')
  crash(): never {
    throw new Error('secret internals: password=hunter2');
  }
}

@Module({ controllers: [ThingController], providers: [{ provide: EVENT_BROKERS, useValue: { brokers: ['kafka.example:9093'], ssl: true } satisfies EventBrokers }] })
class ThingModule {}

describe('HTTP conventions (problem+json, validation, OpenAPI)', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ThingModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureHttp(app, { name: 'things', title: 'Things', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api/things`;
  });

  afterAll(() => app.close());

  const post = (body: string) => fetch(`${base}/v1/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('accepts a valid body', async () => {
    const response = await post(JSON.stringify({ name: 'a', urgency: 'urgent', person: { reference: 'p1' } }));
    expect(response.status).toBe(201);
  });

  it('refuses unknown fields, naming each one with its path, as problem+json', async () => {
    const response = await post(JSON.stringify({ name: 'a', urgency: 'soon', person: { reference: 'p1', nir: '1' }, colour: 'red' }));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { type: string; status: number; detail: string; errors: Array<{ field: string; message: string }> };
    expect(problem.type).toBe('urn:relais:problem:validation-error');
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['colour', 'person.nir', 'urgency']);
    expect(problem.errors.find((e) => e.field === 'colour')?.message).toMatch(/n'est pas autorisé/);
  });

  it('turns malformed JSON into a 400 problem', async () => {
    const response = await post('{"name": ');
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { type: string; instance: string };
    expect(problem.type).toBe('urn:relais:problem:validation-error');
    expect(problem.instance).toBe('/api/things/v1/things');
  });

  it('turns a body over the size limit into a 413 problem, not a 500', async () => {
    const response = await post(JSON.stringify({ name: 'x'.repeat(300_000), urgency: 'normal', person: { reference: 'r' } }));
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe('urn:relais:problem:payload-too-large');
    expect(problem.detail).toBe('Le corps de la requête dépasse la taille autorisée.');
  });

  it('answers 503 with Retry-After, not 500, while the database restarts or is unreachable', async () => {
    for (const path of ['database-restarting', 'database-gone', 'database-dropped', 'database-dropped-runner']) {
      const response = await fetch(`${base}/v1/things/${path}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ type: 'urn:relais:problem:dependency-unavailable', status: 503 });
    }
  });

  it('validates and converts query parameters', async () => {
    expect(((await (await fetch(`${base}/v1/things?limit=5`)).json()) as { limit: number }).limit).toBe(5);
    const response = await fetch(`${base}/v1/things?limit=500&sort=name`);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['limit', 'sort']);
  });

  it('maps domain errors to their status with their extensions', async () => {
    const response = await fetch(`${base}/v1/things/conflict`);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      type: 'urn:relais:problem:illegal-transition',
      currentStatus: 'completed',
      allowedStatuses: [],
    });
  });

  it('never leaks internals of an unexpected error', async () => {
    const response = await fetch(`${base}/v1/things/crash`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/hunter2|secret internals|at .*\.ts/);
    expect(JSON.parse(text)).toMatchObject({ type: 'urn:relais:problem:internal-error', status: 500 });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await fetch(`${base}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { type: string }).type).toBe('urn:relais:problem:not-found');
  });

  it('serves its OpenAPI document and Swagger UI under the service prefix', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain('/api/things/v1/things');
    expect((await fetch(`${base}/docs`)).status).toBe(200);
  });

  it('documents 429 with Retry-After on authenticated writes only', async () => {
    type Operation = { responses: Record<string, { headers?: Record<string, unknown> }> };
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    expect(document.paths['/api/things/v1/things']?.['post']?.responses['429']?.headers).toHaveProperty('Retry-After');
    expect(document.paths['/api/things/v1/things']?.['get']?.responses).not.toHaveProperty('429');
    expect(document.paths['/api/things/v1/things/open']?.['post']?.responses).not.toHaveProperty('429');
  });

  it('serves the AsyncAPI event catalog beside it, with the brokers messaging registered as servers', async () => {
    const document = (await (await fetch(`${base}/asyncapi.json`)).json()) as { asyncapi: string; servers: Record<string, { host: string; protocol: string }> };
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.servers).toEqual({ kafka: expect.objectContaining({ host: 'kafka.example:9093', protocol: 'kafka-secure' }) });
  });
});
