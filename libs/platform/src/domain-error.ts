import { HttpStatus } from '@nestjs/common';

/**
 * Every error a service means to show a caller is a DomainError with a stable code.
 * The code becomes the problem `type` (urn:relais:problem:<code>), so integrators can branch on it.
 */
export const problemStatus = {
  'validation-error': HttpStatus.BAD_REQUEST,
  'invalid-query': HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  'method-not-allowed': HttpStatus.METHOD_NOT_ALLOWED,
  conflict: HttpStatus.CONFLICT,
  'illegal-transition': HttpStatus.CONFLICT,
  'idempotency-key-reused': HttpStatus.UNPROCESSABLE_ENTITY,
  'unprocessable': HttpStatus.UNPROCESSABLE_ENTITY,
  'payload-too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'unsupported-media-type': HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  'rate-limited': HttpStatus.TOO_MANY_REQUESTS,
  'dependency-unavailable': HttpStatus.SERVICE_UNAVAILABLE,
  /** Shed by admission control (admission.ts) before any work began. */
  overloaded: HttpStatus.SERVICE_UNAVAILABLE,
  'internal-error': HttpStatus.INTERNAL_SERVER_ERROR,
} as const satisfies Record<string, HttpStatus>;

export type ProblemCode = keyof typeof problemStatus;

export interface FieldError {
  /** Dotted path of the field in the request, e.g. `person.phone` or `query.limit`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ProblemCode,
    /** Shown to the caller as `detail`: French, readable by an agent. */
    readonly detail: string,
    /** Extra members of the problem document (e.g. the allowed transitions). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export class ValidationError extends DomainError {
  constructor(readonly errors: FieldError[], detail = 'La requête contient des données invalides.') {
    super('validation-error', detail, { errors });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not-found', `${what} introuvable.`);
  }
}

/** A caller spent its budget of writes: 429 with `Retry-After`, so a well-behaved client waits instead of retrying at once. */
export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate-limited', `Trop de requêtes d'écriture pour ce compte : réessayez dans ${retryAfterSeconds} s.`, {
      retryAfter: retryAfterSeconds,
    });
  }
}
