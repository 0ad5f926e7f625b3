/**
 * CloudEvents 1.0 in Kafka binary mode: the attributes travel as `ce_*` headers, the value is the
 * JSON payload alone and the record key is the aggregate id (also `ce_subject`).
 */

export const SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
  time: Date;
  subject: string;
  /** W3C trace context of the publication, when there was one. */
  traceparent?: string;
}

export type KafkaHeaders = Record<string, string>;

/** What a header value looks like once kafkajs hands it back (Buffers, possibly repeated). */
export type RawHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

export function cloudEventHeaders(event: CloudEventAttributes): KafkaHeaders {
  return {
    ce_id: event.id,
    ce_source: event.source,
    ce_type: event.type,
    ce_specversion: SPEC_VERSION,
    ce_time: event.time.toISOString(),
    ce_subject: event.subject,
    'content-type': JSON_CONTENT_TYPE,
    ...(event.traceparent
      ? {
          traceparent: event.traceparent,
          // The CloudEvents distributed-tracing extension: transport instrumentation rewrites the W3C
          // `traceparent` header with its own send span (one root per batch); this copy keeps the
          // publication's trace for the consumer.
          ce_traceparent: event.traceparent,
        }
      : {}),
  };
}

export function sourceOf(service: string): string {
  return `/relais/${service}`;
}

/** One header as text: the last value wins when a header is repeated. */
export function headerText(headers: RawHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

export type ParsedCloudEvent = { ok: true; event: CloudEventAttributes } | { ok: false; problems: string[] };

/** Reads the CloudEvents attributes of a record, listing every missing or malformed one. */
export function parseCloudEvent(headers: RawHeaders | undefined): ParsedCloudEvent {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = headerText(headers, name);
    if (value === undefined || value === '') problems.push(`header ${name} is missing`);
    return value ?? '';
  };
  const id = required('ce_id');
  const source = required('ce_source');
  const type = required('ce_type');
  const specversion = required('ce_specversion');
  const timeText = required('ce_time');
  const subject = required('ce_subject');
  if (specversion && specversion !== SPEC_VERSION) problems.push(`ce_specversion ${specversion} is not ${SPEC_VERSION}`);
  const time = new Date(timeText);
  if (timeText && Number.isNaN(time.getTime())) problems.push(`ce_time "${timeText}" is not a timestamp`);
  const contentType = headerText(headers, 'content-type');
  if (contentType !== undefined && !contentType.startsWith(JSON_CONTENT_TYPE)) problems.push(`content-type ${contentType} is not ${JSON_CONTENT_TYPE}`);
  if (problems.length > 0) return { ok: false, problems };
  const traceparent = headerText(headers, 'ce_traceparent') ?? headerText(headers, 'traceparent');
  return { ok: true, event: { id, source, type, time, subject, ...(traceparent ? { traceparent } : {}) } };
}
