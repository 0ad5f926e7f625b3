import { Body, Controller, Delete, Get, Module, Param, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiBearerAuth, ApiNotFoundResponse, ApiProperty, ApiPropertyOptional, type OpenAPIObject } from '@nestjs/swagger';
import type { INestApplication } from '@nestjs/common';
import { ApiProblems } from './api-problems';
import { configureHttp } from './bootstrap';
import { ApiIdempotencyKey } from './idempotency';
import { assertTypedProperties, PROBLEM_SCHEMA_REF, untypedProperties } from './openapi-conventions';

class Coordinates {
  @ApiProperty() latitude!: number;
  @ApiProperty() longitude!: number;
}

/** The mistake the check is for: `string | null` with no `type` is reflected as Object. */
class UntypedInput {
  @ApiPropertyOptional({ nullable: true, example: '21560260800018' }) siret?: string | null;
  @ApiPropertyOptional({ nullable: true }) latitude?: number | null;
  @ApiProperty({ type: String, nullable: true }) communeCode!: string | null;
  @ApiPropertyOptional({ type: Coordinates, nullable: true }) coordinates?: Coordinates | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
}

class TypedInput {
  @ApiPropertyOptional({ type: String, nullable: true, example: '21560260800018' }) siret?: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) latitude?: number | null;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) wheelchair?: boolean | null;
  @ApiPropertyOptional({ type: [Coordinates] }) points?: Coordinates[];
}

@Controller('v1/things')
class ThingController {
  @ApiBearerAuth()
  @Post()
  create(@Body() body: TypedInput): TypedInput {
    return body;
  }

  @ApiBearerAuth()
  @ApiProblems(403, 404)
  @Delete(':id')
  remove(@Param('id') id: string): string {
    return id;
  }

  @ApiBearerAuth()
  @ApiIdempotencyKey('24 h')
  @Post('idempotent')
  createOnce(@Body() body: TypedInput): TypedInput {
    return body;
  }

  @Post('untyped')
  untyped(@Body() body: UntypedInput): UntypedInput {
    return body;
  }

  @Get(':id')
  @ApiNotFoundResponse({ description: 'Introuvable' })
  read(@Param('id') id: string): string {
    return id;
  }
}

@Module({ controllers: [ThingController] })
class ThingModule {}

describe('OpenAPI conventions written by configureHttp', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ThingModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    const built = configureHttp(app, { name: 'things', title: 'Things', description: 'test' });
    if (!built) throw new Error('no document');
    document = built;
    await app.init();
  });

  afterAll(() => app.close());

  const operation = (path: string, method: 'get' | 'post' | 'delete') => {
    const found = document.paths[`/api/things${path}`]?.[method];
    if (!found) throw new Error(`${method} ${path} is not documented`);
    return found;
  };
  const statuses = (path: string, method: 'get' | 'post' | 'delete') => Object.keys(operation(path, method).responses).sort();

  it('declares 400 everywhere, 401 on authenticated operations and 429 on authenticated writes', () => {
    expect(statuses('/v1/things', 'post')).toEqual(['201', '400', '401', '429']);
    expect(statuses('/v1/things/{id}', 'delete')).toEqual(['400', '401', '403', '404', '429']);
    expect(statuses('/v1/things/{id}', 'get')).toEqual(['400', '404']);
    expect(statuses('/v1/things/untyped', 'post')).toEqual(['201', '400']);
    // ApiIdempotencyKey adds the 409 of a request whose key is still running.
    expect(statuses('/v1/things/idempotent', 'post')).toEqual(['400', '401', '409', '429']);
  });

  it('says security: [] on public operations only', () => {
    expect(operation('/v1/things/{id}', 'get').security).toEqual([]);
    expect(operation('/v1/things', 'post').security).toEqual([{ bearer: [] }]);
  });

  it('gives every 4xx the problem schema in application/problem+json, even one a controller declared without it', () => {
    for (const [path, method] of [
      ['/v1/things', 'post'],
      ['/v1/things/{id}', 'delete'],
      ['/v1/things/{id}', 'get'],
    ] as const) {
      for (const [status, response] of Object.entries(operation(path, method).responses)) {
        if (!status.startsWith('4')) continue;
        expect({ status, content: response && 'content' in response ? response.content : undefined }).toEqual({
          status,
          content: { 'application/problem+json': { schema: { $ref: PROBLEM_SCHEMA_REF } } },
        });
      }
    }
    expect(document.components?.schemas).toHaveProperty('ProblemView');
  });

  it('finds the properties reflected as a bare object (nullable scalars written without their type)', () => {
    expect(untypedProperties(document).sort()).toEqual(['UntypedInput.latitude', 'UntypedInput.siret']);
    expect(() => assertTypedProperties(document, 'things')).toThrow(/type: String, nullable: true[\s\S]*UntypedInput\.siret/);
  });

  it('types nullable scalars as their type with nullable: true', () => {
    const typed = document.components?.schemas?.['TypedInput'];
    expect(typed && 'properties' in typed ? typed.properties : undefined).toMatchObject({
      siret: { type: 'string', nullable: true },
      latitude: { type: 'number', nullable: true },
      wheelchair: { type: 'boolean', nullable: true },
    });
  });
});
