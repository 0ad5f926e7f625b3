import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';

/** The component every error response points to (api-problems.ts `ProblemView`, registered by configureHttp). */
export const PROBLEM_SCHEMA_REF = '#/components/schemas/ProblemView';
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
const METHODS = ['get', 'head', 'options', 'trace', ...WRITE_METHODS] as const;

/**
 * What every operation of every service answers whatever its controller says, written into the
 * generated document once rather than on each route (docs/architecture.md, "How to document an HTTP
 * operation"):
 * - a route without `@ApiBearerAuth()` is `@Public()`: `security: []` (an empty requirement, not an
 *   unknown one), so a generated client sends no token and a linter knows the omission is meant;
 * - 400 on every operation: a malformed JSON body, query or header reaches ProblemFilter before any
 *   handler, on any route;
 * - 401 on every authenticated operation (the token guard of libs/auth);
 * - 429 with `Retry-After` on every authenticated write (libs/auth's write limit);
 * - 503 with `Retry-After` on every operation but the probes when the process sheds load (admission-gate.ts):
 *   past what it can serve it refuses at once, nothing recorded;
 * - every 4xx and that 503, declared here or by a controller, in `application/problem+json` with the problem
 *   schema: ProblemFilter and the admission gate serve every error that way, so another content type would be a lie.
 */
export function applyOpenApiConventions(document: OpenAPIObject, options: { shedsLoad: boolean; service: string } = { shedsLoad: false, service: '' }): void {
  for (const [route, path] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      if (operation.security === undefined) operation.security = [];
      const authenticated = operation.security.length > 0;
      declare(operation, 400, 'Requête mal formée : paramètre, en-tête ou corps JSON invalide (détail dans `errors`)');
      if (authenticated) declare(operation, 401, 'Jeton absent, invalide ou expiré');
      if (authenticated && (WRITE_METHODS as readonly string[]).includes(method)) {
        declare(operation, 429, "Trop d'écritures pour cet appelant : réessayer après le délai indiqué");
        const tooMany = operation.responses['429'] as ResponseObject;
        tooMany.headers ??= RETRY_AFTER;
      }
      if (options.shedsLoad && !route.startsWith(`/api/${options.service}/health`)) {
        declare(operation, 503, 'Service surchargé : rien n’a été enregistré, réessayer après le délai indiqué');
        (operation.responses['503'] as ResponseObject).headers ??= RETRY_AFTER;
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response || !/^(4\d\d|503)$/.test(status) || '$ref' in response) continue;
        response.content = { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } };
      }
    }
  }
}

const RETRY_AFTER = { 'Retry-After': { description: 'Secondes à attendre avant de réessayer', schema: { type: 'integer', minimum: 1 } } };

function declare(operation: OperationObject, status: number, description: string): void {
  operation.responses[String(status)] ??= { description };
}

/**
 * The schemas' properties a client generator would type as a bare object: `type: object` (or no type at
 * all) with nothing saying what is inside. @nestjs/swagger reflects a property written `string | null`
 * without an explicit `type` as `Object` (TypeScript emits `Object` for any union), so such a property is
 * almost always a nullable scalar that lost its type: `@ApiProperty({ type: String, nullable: true })`.
 * Returns one line per property (`Schema.property`), empty when every property says what it holds.
 */
export function untypedProperties(document: OpenAPIObject): string[] {
  const found: string[] = [];
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    visit(schema, name, found);
  }
  return found;
}

function visit(schema: SchemaObject | ReferenceObject, where: string, found: string[]): void {
  if ('$ref' in schema) return;
  for (const [property, value] of Object.entries(schema.properties ?? {})) {
    const at = `${where}.${property}`;
    if ('$ref' in value) continue;
    const inner = value.type === 'array' && value.items ? value.items : value;
    if (isOpaque(inner)) found.push(at);
    if (!('$ref' in inner)) visit(inner, at, found);
  }
}

function isOpaque(schema: SchemaObject | ReferenceObject): boolean {
  if ('$ref' in schema) return false;
  if (schema.type !== undefined && schema.type !== 'object') return false;
  const says = schema.properties ?? schema.additionalProperties ?? schema.allOf ?? schema.oneOf ?? schema.anyOf ?? schema.enum;
  return says === undefined;
}

/** Throws, naming each property, when the document has untyped properties (see untypedProperties). */
export function assertTypedProperties(document: OpenAPIObject, service = document.info.title): void {
  const untyped = untypedProperties(document);
  if (untyped.length === 0) return;
  throw new Error(
    `OpenAPI (${service}) : ${untyped.length} propriété(s) typée(s) « object » sans contenu — un scalaire nullable ` +
      `s'écrit @ApiProperty({ type: String, nullable: true }) (ou Number, Boolean), un objet libre avec additionalProperties :\n  ` +
      untyped.join('\n  '),
  );
}
