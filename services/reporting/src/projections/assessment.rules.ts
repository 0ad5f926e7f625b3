import type { EventPayload } from '@relais/contracts';
import { dayOf, NO_NETWORK } from './dimensions';
import type { ProjectionRules } from './projection-event';

type AssessmentType = 'fr.relais.diagnostic.assessment.completed.v1';

/** Levels and barriers of the diagnostics, per network and the person's commune; demand per commune for coverage. */
export const assessmentRules: ProjectionRules<AssessmentType> = {
  types: ['fr.relais.diagnostic.assessment.completed.v1'],
  apply(state, event) {
    const payload: EventPayload<AssessmentType> = event.payload;
    const day = dayOf(payload.completedAt);
    const networkId = payload.networkId ?? NO_NETWORK;
    state.deltas.assessment(day, networkId, payload.communeCode, 'level', [payload.level]);
    state.deltas.assessment(day, networkId, payload.communeCode, 'barrier', [...new Set(payload.barriers)]);
    state.deltas.assessment(day, networkId, payload.communeCode, 'count', ['diagnostics']);
    state.deltas.commune(day, [networkId], payload.communeCode, 'diagnostics');
  },
};
