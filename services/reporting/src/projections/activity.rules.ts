import { eventTypes } from '@relais/contracts';
import { dayOf } from './dimensions';
import type { ProjectionRules } from './projection-event';

/**
 * Counts every event of the platform per day (Paris time, of the event's CloudEvents time), type and local
 * network: referral and assessment events name their network; other events (the directory's snapshots) count
 * under none.
 */
export const activityRules: ProjectionRules = {
  types: eventTypes,
  apply(state, event) {
    const payload: object = event.payload;
    const networkId = 'networkId' in payload && typeof payload.networkId === 'string' ? payload.networkId : null;
    state.deltas.activity(dayOf(event.time), event.type, networkId);
  },
};
