import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { Request, Response } from 'express';
import { DomainError, problemStatus, RateLimitedError, type ProblemCode } from './domain-error';

/** RFC 9457 problem document as Relais serves it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  traceId?: string;
  [extension: string]: unknown;
}

const titles: Record<ProblemCode, string> = {
  'validation-error': 'Requête invalide',
  'invalid-query': 'Paramètres de recherche invalides',
  unauthenticated: 'Authentification requise',
  forbidden: 'Accès refusé',
  'not-found': 'Ressource introuvable',
  'method-not-allowed': 'Méthode non autorisée',
  conflict: 'Conflit',
  'illegal-transition': 'Transition interdite',
  'idempotency-key-reused': "Clé d'idempotence déjà utilisée",
  unprocessable: 'Requête impossible à traiter',
  'payload-too-large': 'Requête trop volumineuse',
  'unsupported-media-type': 'Type de contenu non pris en charge',
  'rate-limited': 'Trop de requêtes',
  'dependency-unavailable': 'Service momentanément indisponible',
  overloaded: 'Service surchargé',
  'internal-error': 'Erreur interne',
};

const codeForStatus: Partial<Record<number, ProblemCode>> = {
  400: 'validation-error',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
  503: 'dependency-unavailable',
};

export function problemType(code: ProblemCode): string {
  return `urn:relais:problem:${code}`;
}

/**
 * The one place where errors become HTTP responses. Domain errors keep their code and detail;
 * framework errors (unknown route, malformed JSON) are mapped by status; anything else is a 500
 * whose detail says nothing of the internals — the stack goes to the log with the trace id.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception, request);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, traceId: problem.traceId }, 'unhandled error');
    }
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    if (exception instanceof RateLimitedError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (problem.type === problemType('dependency-unavailable')) response.setHeader('Retry-After', '1');
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, request: Request): Problem {
    const base = { instance: request.originalUrl ?? request.url, traceId: currentTraceId() };
    if (exception instanceof DomainError) {
      return {
        type: problemType(exception.code),
        title: titles[exception.code],
        status: problemStatus[exception.code],
        detail: exception.detail,
        ...base,
        ...exception.extensions,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = codeForStatus[status] ?? (status >= 500 ? 'internal-error' : 'unprocessable');
      return {
        type: problemType(code),
        title: titles[code],
        status,
        detail: frameworkDetail(status, exception),
        ...base,
      };
    }
    if (databaseUnavailable(exception)) {
      return {
        type: problemType('dependency-unavailable'),
        title: titles['dependency-unavailable'],
        status: HttpStatus.SERVICE_UNAVAILABLE,
        detail: 'La base de données est momentanément indisponible : réessayez dans un instant (avec la même Idempotency-Key pour une création).',
        ...base,
      };
    }
    const clientError = bodyReadingError(exception);
    if (clientError) {
      const code = codeForStatus[clientError.status] ?? 'validation-error';
      return { type: problemType(code), title: titles[code], status: clientError.status, detail: bodyReadingDetail(clientError), ...base };
    }
    return {
      type: problemType('internal-error'),
      title: titles['internal-error'],
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: 'Une erreur inattendue est survenue. Communiquez le traceId au support.',
      ...base,
    };
  }
}

function frameworkDetail(status: number, exception: HttpException): string {
  switch (status) {
    case 400:
      // body-parser's messages are safe and useful ("Unexpected token } in JSON at position 12").
      return `Requête invalide : ${exception.message}`;
    case 404:
      return "Cette adresse ne correspond à aucune ressource de l'API.";
    case 413:
      return 'Le corps de la requête dépasse la taille autorisée.';
    default:
      return exception.message;
  }
}

/**
 * An error of express's body parsers (raw-body, body-parser), thrown before any Nest code runs and so not an
 * HttpException: a body over the size limit (413), undecodable (400, 415). They mark the client's errors
 * `expose: true` with their status; without this they were 500s.
 */
function bodyReadingError(exception: unknown): { status: number; type: string; message: string } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, type, expose, message } = exception as { status?: unknown; type?: unknown; expose?: unknown; message?: unknown };
  if (expose !== true || typeof status !== 'number' || status < 400 || status >= 500 || typeof type !== 'string') return undefined;
  return { status, type, message: typeof message === 'string' ? message : '' };
}

function bodyReadingDetail(error: { status: number; type: string; message: string }): string {
  switch (error.status) {
    case 413:
      return 'Le corps de la requête dépasse la taille autorisée.';
    case 415:
      return `Encodage du corps non pris en charge : ${error.message}`;
    default:
      return `Requête invalide : ${error.message}`;
  }
}

/** SQLSTATE classes and codes that say the server is gone or not yet back, not that the statement was wrong. */
const UNAVAILABLE_SQLSTATES = /^(08...|57P01|57P02|57P03|53300)$/;
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * PostgreSQL restarting or unreachable (node-postgres' error, or TypeORM's wrapping with `driverError`):
 * a 503 with Retry-After the client can retry, not a 500 that says the code is wrong. The transaction, if
 * one began, did not commit — or, if the connection died during COMMIT, a retry with the same
 * Idempotency-Key finds what was recorded.
 */
export function databaseUnavailable(exception: unknown): boolean {
  for (let error = exception, depth = 0; typeof error === 'object' && error !== null && depth < 3; depth++) {
    const { code, message, driverError, name } = error as { code?: unknown; message?: unknown; driverError?: unknown; name?: unknown };
    // TypeORM's two words for a transaction whose connection PostgreSQL dropped under it (kill -9 of the
    // server: the fault suite met 9 × 500 at 10 referrals/s); the transaction did not commit.
    if (name === 'QueryRunnerProviderAlreadyReleasedError' || name === 'QueryRunnerAlreadyReleasedError') return true;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
    if (typeof message === 'string' && /^Connection terminated|timeout exceeded when trying to connect/.test(message)) return true;
    error = driverError;
  }
  return false;
}

export function currentTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && context.traceId !== '00000000000000000000000000000000' ? context.traceId : undefined;
}
