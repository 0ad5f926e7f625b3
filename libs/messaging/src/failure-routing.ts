import { headerText, type KafkaHeaders, type RawHeaders } from './cloudevents';
import { PermanentEventError } from './permanent-event-error';

/** Headers Relais adds to retried and dead-lettered records (the CloudEvents ones travel unchanged). */
export const relaisHeaders = {
  /** The attempt this delivery is: 1 on the catalog topic, then one more per retry. */
  attempt: 'relais_attempt',
  /** Epoch milliseconds before which a retry must not run. */
  notBefore: 'relais_not_before',
  originalTopic: 'relais_original_topic',
  originalPartition: 'relais_original_partition',
  originalOffset: 'relais_original_offset',
  /** The consuming service that gave up (dead-letter topics are shared by a topic's consumers). */
  consumer: 'relais_consumer',
  reason: 'relais_dead_letter_reason',
  error: 'relais_error',
  failedAt: 'relais_failed_at',
  /** On a redriven record: the dead letter it came from. */
  redrivenFrom: 'relais_redriven_from',
} as const;

/**
 * `forged`: a record whose `ce_source` is not the catalog's publisher of its type, or whose type is not
 * published on the topic it came from — never retried, since waiting cannot make it genuine.
 * (Dead letters written before unknown types were skipped may also say `unknown-type`.)
 */
export const deadLetterReasons = ['not-a-cloudevent', 'forged', 'invalid-payload', 'permanent-error', 'attempts-exhausted'] as const;
export type DeadLetterReason = (typeof deadLetterReasons)[number];

export interface RecordOrigin {
  /** Kafka name of the topic the event was first consumed from. */
  topic: string;
  partition: number;
  offset: string;
}

export type FailureRoute = { kind: 'retry'; attempt: number; notBefore: number } | { kind: 'dead-letter'; reason: DeadLetterReason };

const MAX_ERROR_LENGTH = 2000;

/**
 * After a handler failed on `attempt`: a permanent error dead-letters at once; a transient one is
 * retried after the delay for that attempt, until the delays run out.
 */
export function routeFailure(error: unknown, attempt: number, retryDelaysMs: number[], now: number): FailureRoute {
  if (error instanceof PermanentEventError) return { kind: 'dead-letter', reason: 'permanent-error' };
  const delay = retryDelaysMs[attempt - 1];
  if (delay === undefined) return { kind: 'dead-letter', reason: 'attempts-exhausted' };
  return { kind: 'retry', attempt: attempt + 1, notBefore: now + delay };
}

export function attemptOf(headers: RawHeaders | undefined): number {
  const attempt = Number(headerText(headers, relaisHeaders.attempt));
  return Number.isInteger(attempt) && attempt >= 1 ? attempt : 1;
}

export function notBeforeOf(headers: RawHeaders | undefined): number | undefined {
  const text = headerText(headers, relaisHeaders.notBefore);
  const value = text === undefined ? NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Where the event was first read: carried along by retries so a dead letter points at the original record. */
export function originOf(headers: RawHeaders | undefined, current: RecordOrigin): RecordOrigin {
  const topic = headerText(headers, relaisHeaders.originalTopic);
  const partition = Number(headerText(headers, relaisHeaders.originalPartition));
  const offset = headerText(headers, relaisHeaders.originalOffset);
  if (topic === undefined || !Number.isInteger(partition) || offset === undefined) return current;
  return { topic, partition, offset };
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/** The record's own headers as text, without the Relais ones (they are set again for the next hop). */
export function carriedHeaders(headers: RawHeaders | undefined): KafkaHeaders {
  const carried: KafkaHeaders = {};
  const relais = new Set<string>(Object.values(relaisHeaders));
  for (const name of Object.keys(headers ?? {})) {
    if (relais.has(name)) continue;
    const value = headerText(headers, name);
    if (value !== undefined) carried[name] = value;
  }
  return carried;
}

function originHeaders(origin: RecordOrigin): KafkaHeaders {
  return {
    [relaisHeaders.originalTopic]: origin.topic,
    [relaisHeaders.originalPartition]: String(origin.partition),
    [relaisHeaders.originalOffset]: origin.offset,
  };
}

export function retryHeaders(headers: RawHeaders | undefined, origin: RecordOrigin, consumer: string, route: { attempt: number; notBefore: number }, error: unknown): KafkaHeaders {
  return {
    ...carriedHeaders(headers),
    ...originHeaders(origin),
    [relaisHeaders.consumer]: consumer,
    [relaisHeaders.attempt]: String(route.attempt),
    [relaisHeaders.notBefore]: String(route.notBefore),
    // The last error travels with the retry: a dead letter after the last attempt shows it anyway.
    [relaisHeaders.error]: errorText(error),
  };
}

export function deadLetterHeaders(
  headers: RawHeaders | undefined,
  origin: RecordOrigin,
  consumer: string,
  failure: { reason: DeadLetterReason; attempts: number; error: unknown; at: number },
): KafkaHeaders {
  return {
    ...carriedHeaders(headers),
    ...originHeaders(origin),
    [relaisHeaders.consumer]: consumer,
    [relaisHeaders.attempt]: String(failure.attempts),
    [relaisHeaders.reason]: failure.reason,
    [relaisHeaders.error]: errorText(failure.error),
    [relaisHeaders.failedAt]: new Date(failure.at).toISOString(),
  };
}

/** A dead letter sent back to the consumer's retry topic: a fresh count of attempts, due at once. */
export function redriveHeaders(headers: RawHeaders | undefined, deadLetterId: string, now: number): KafkaHeaders {
  const carried = carriedHeaders(headers);
  const origin: KafkaHeaders = {};
  for (const name of [relaisHeaders.originalTopic, relaisHeaders.originalPartition, relaisHeaders.originalOffset, relaisHeaders.consumer]) {
    const value = headerText(headers, name);
    if (value !== undefined) origin[name] = value;
  }
  return {
    ...carried,
    ...origin,
    [relaisHeaders.attempt]: '1',
    [relaisHeaders.notBefore]: String(now),
    [relaisHeaders.redrivenFrom]: deadLetterId,
  };
}
