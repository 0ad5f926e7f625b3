import type { EventPayload, EventType } from '@relais/contracts';
import type { ProjectionState } from './projection-state';

/** An event as the rules read it: its type, its payload (checked against its schema by the consumer), its time. */
export interface ProjectionEvent<T extends EventType = EventType> {
  type: T;
  payload: EventPayload<T>;
  time: Date;
}

/**
 * What events of some types do to the projections: `apply` reads and changes the working set and adds to its
 * deltas, with no I/O. The live handlers (@HandlesEvent(...rules.types)) and the rebuild both go through the
 * writer (ProjectionWriter), which loads the working set, runs the rules and writes what they changed: one
 * definition of every projection.
 */
export interface ProjectionRules<T extends EventType = EventType> {
  readonly types: readonly [T, ...T[]];
  apply(state: ProjectionState, event: ProjectionEvent<T>): void;
}

/** Checked by the consumer against the catalog's schema before a handler or the rebuild sees it. */
export function asProjectionEvent(type: EventType, payload: unknown, time: Date): ProjectionEvent {
  return { type, payload: payload as EventPayload<EventType>, time };
}
