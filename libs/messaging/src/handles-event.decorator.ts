import type { EventPayload, EventType } from '@relais/contracts';

/** What a handler knows of the event besides its payload. */
export interface EventContext<T extends EventType = EventType> {
  /** CloudEvents id: the deduplication key. */
  id: string;
  type: T;
  /** CloudEvents source, e.g. /relais/directory. */
  source: string;
  /** The aggregate id (also the record key). */
  subject: string;
  /** When it happened, as the publisher said. */
  time: Date;
  /** The catalog topic (without prefix). */
  topic: string;
  partition: number;
  offset: string;
  /** 1 on first delivery, then one more per retry. */
  attempt: number;
  /** W3C trace context of the publication, when it had one. */
  traceparent?: string;
}

export type EventHandler<T extends EventType> = (payload: EventPayload<T>, context: EventContext<T>) => Promise<void>;

export const HANDLES_EVENT = Symbol('relais:handles-event');

/**
 * Declares a method as the service's handler of one or more event types (a method handling several
 * takes a payload type they all satisfy). Its payload is typed by the catalog:
 * a method whose parameter is another event's payload does not compile. The handler runs in the
 * transaction that records the event in the inbox, so its writes through TransactionHost commit
 * together with that record, or not at all. That transaction is shared with the other records of the
 * partition's run: when one of them fails, the run is rolled back and the handlers before it run again;
 * effects outside the transaction (a message sent, a call made) do not belong in a handler.
 */
export function HandlesEvent<T extends EventType>(...types: [T, ...T[]]) {
  return <M extends EventHandler<T>>(_target: object, _method: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    const handler = descriptor.value;
    if (typeof handler !== 'function') throw new Error(`@HandlesEvent('${types.join("', '")}') must decorate a method`);
    const declared = (Reflect.getMetadata(HANDLES_EVENT, handler) as EventType[] | undefined) ?? [];
    Reflect.defineMetadata(HANDLES_EVENT, [...declared, ...types], handler);
  };
}

/** The event types a method was declared to handle (empty for any other method). */
export function handledEventTypes(method: unknown): EventType[] {
  if (typeof method !== 'function') return [];
  return (Reflect.getMetadata(HANDLES_EVENT, method) as EventType[] | undefined) ?? [];
}
