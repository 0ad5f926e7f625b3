import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { eventCatalog, isEventType, type EventPayload, type EventType } from './catalog';

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const compiled = new Map<EventType, ValidateFunction>();

export class InvalidPayloadError extends Error {
  constructor(
    readonly eventType: string,
    readonly problems: string[],
  ) {
    super(`payload of ${eventType} does not match its schema: ${problems.join('; ')}`);
    this.name = 'InvalidPayloadError';
  }
}

/** The problems of a payload against its event's JSON Schema; empty when it is valid. */
export function payloadProblems(type: string, payload: unknown): string[] {
  if (!isEventType(type)) return [`unknown event type ${type}`];
  let validate = compiled.get(type);
  if (!validate) {
    validate = ajv.compile(eventCatalog[type].schema);
    compiled.set(type, validate);
  }
  if (validate(payload)) return [];
  return (validate.errors ?? []).map((error) => {
    const where = error.instancePath || '(racine)';
    const extra = error.keyword === 'additionalProperties' ? ` « ${String((error.params as { additionalProperty?: string }).additionalProperty)} »` : '';
    return `${where} ${error.message ?? 'invalide'}${extra}`;
  });
}

export function assertValidPayload<T extends EventType>(type: T, payload: unknown): asserts payload is EventPayload<T> {
  const problems = payloadProblems(type, payload);
  if (problems.length > 0) throw new InvalidPayloadError(type, problems);
}
