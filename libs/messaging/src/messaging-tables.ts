/** The LISTEN/NOTIFY channel that wakes the relay when a transaction with events commits. */
export const OUTBOX_CHANNEL = 'relais_outbox';

/** Key of the session advisory lock that elects the one relay of a service database. */
export const RELAY_LOCK_KEY = 0x72656c6169; // "relai"

export interface OutboxRow {
  id: string;
  event_id: string;
  type: string;
  topic: string;
  key: string;
  payload: unknown;
  traceparent: string | null;
  event_time: Date;
}
