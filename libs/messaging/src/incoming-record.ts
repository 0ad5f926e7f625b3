import type { RawHeaders } from './cloudevents';

/** A record as the consumer received it. */
export interface IncomingRecord {
  /** Kafka name of the topic (prefixed; a catalog topic or this service's retry topic). */
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RawHeaders | undefined;
}
