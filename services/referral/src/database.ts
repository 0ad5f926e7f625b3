import type { ServiceDatabase } from '@relais/persistence';
import { migrations } from '../migrations';
import { ReferralTransitionEntity } from './referral-model/referral-transition.entity';
import { ReferralEntity } from './referral-model/referral.entity';
import { ReferralTimerEntity } from './sla/referral-timer.entity';

/** The referral service's own database: its entities and the migrations that shape it. */
export function database(url: string): ServiceDatabase {
  return {
    url,
    entities: [ReferralEntity, ReferralTransitionEntity, ReferralTimerEntity],
    migrations,
    // Only INSERT and SELECT for the service: who read whose personal data, and what was done through
    // an action link, cannot be rewritten.
    appendOnlyTables: ['audit_log', 'action_link_use'],
    applicationName: 'relais-referral',
  };
}
