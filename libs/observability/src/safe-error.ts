/**
 * Errors as they may be written to a log. A failed SQL statement carries the values it was given
 * (`parameters`), and PostgreSQL's own report repeats them (`detail`: "Key (email)=(…) already exists",
 * "Failing row contains (…)"; `where`; the message of a data exception: invalid input syntax for type
 * uuid: "…"). Those values are names, e-mail addresses, phone numbers: they must not outlive the
 * request in a log file. What an operator needs to diagnose stays: the SQLSTATE code, the constraint,
 * table and column, the statement with its placeholders, and the stack.
 */

/** Fields of a PostgreSQL error report (and TypeORM's copy of them) that may hold row values. */
const valueBearingFields = ['parameters', 'detail', 'where', 'hint', 'internalQuery', 'internalPosition'] as const;
/** Fields naming schema objects, never values: kept, and left readable inside the message. */
const identifierFields = ['constraint', 'table', 'column', 'schema', 'dataType'] as const;
const MASK = '[masqué]';
const MAX_DEPTH = 4;

type SerializedError = Record<string, unknown>;

/** pino serializer for `err` (and `error`): any error in, a log-safe plain object out. */
export function safeErrorSerializer(value: unknown): unknown {
  return sanitize(value, 0);
}

function sanitize(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return { type: value instanceof Error ? value.constructor.name : 'Error', message: MASK };
  // pino-http hands over what pino's own serializer already produced; a logger call hands the Error itself.
  const serialized = value instanceof Error ? serializeError(value) : { ...(value as SerializedError) };
  if (isDatabaseError(serialized)) redactDatabaseError(serialized);
  for (const [key, member] of Object.entries(serialized)) {
    if (member instanceof Error || key === 'cause' || key === 'driverError') serialized[key] = sanitize(member, depth + 1);
  }
  if (Array.isArray(serialized['aggregateErrors'])) {
    serialized['aggregateErrors'] = (serialized['aggregateErrors'] as unknown[]).map((each) => sanitize(each, depth + 1));
  }
  // Whatever the error, the bound values of a statement are never logged.
  delete serialized['parameters'];
  return serialized;
}

/**
 * Like pino's serializer, except that a cause stays a member of its own instead of having its message
 * and stack appended to the outer error's, where it could not be redacted.
 */
function serializeError(error: Error): SerializedError {
  const serialized: SerializedError = { type: error.constructor.name || error.name, message: error.message, stack: error.stack };
  for (const [key, member] of Object.entries(error)) {
    if (!(key in serialized)) serialized[key] = member;
  }
  if (error.cause !== undefined) serialized['cause'] = error.cause;
  if (error instanceof AggregateError) serialized['aggregateErrors'] = error.errors;
  return serialized;
}

/** A PostgreSQL error report (pg's DatabaseError) or TypeORM's QueryFailedError wrapping one. */
function isDatabaseError(error: SerializedError): boolean {
  if (error['type'] === 'QueryFailedError' || error['name'] === 'QueryFailedError') return true;
  const code = error['code'];
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && ('severity' in error || 'routine' in error);
}

function redactDatabaseError(error: SerializedError): void {
  for (const field of valueBearingFields) delete error[field];
  const identifiers = new Set(identifierFields.map((field) => error[field]).filter((name): name is string => typeof name === 'string'));
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  const masked = maskQuoted(message, identifiers);
  error['message'] = masked;
  // The first line of a stack repeats the message.
  if (typeof error['stack'] === 'string' && message) error['stack'] = error['stack'].split(message).join(masked);
}

/**
 * PostgreSQL quotes both identifiers and values in its messages ("…unique constraint "person_email_key"",
 * "…for type uuid: "jeanne@…""). Quoted text is kept only when the report names it as a schema object.
 */
function maskQuoted(message: string, identifiers: ReadonlySet<string>): string {
  return message.replace(/"((?:[^"]|"")*)"/g, (quoted, inner: string) => (identifiers.has(inner) ? quoted : `"${MASK}"`));
}

/**
 * The same rules for an error put into a log line as text (`… failed: ${safeErrorText(error)}`): a
 * database error gives its SQLSTATE, constraint and masked message; any other error its message.
 */
export function safeErrorText(error: unknown): string {
  const serialized = sanitize(error, 0);
  if (typeof serialized !== 'object' || serialized === null) return String(serialized);
  const { message, code, constraint } = serialized as SerializedError;
  const prefix = isDatabaseError(serialized as SerializedError) ? `[${String(code)}${typeof constraint === 'string' ? ` ${constraint}` : ''}] ` : '';
  return `${prefix}${typeof message === 'string' ? message : String(error)}`;
}
