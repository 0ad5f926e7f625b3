import type { Principal } from '@relais/auth';
import type { ReferralStatus } from '@relais/contracts';
import type { AutonomyGain } from './referral.entity';

/** Who moves a referral: a caller (whose parties are worked out from the referral) or the platform. */
export type Mover = { kind: 'caller'; principal: Principal } | { kind: 'system' };

export interface MoveDetails {
  reasonCode?: string;
  comment?: string;
  redirectToServiceId?: string;
  outcome?: { summary?: string; autonomyGained?: AutonomyGain; nextStep?: string };
}

export interface TransitionResult {
  id: string;
  status: ReferralStatus;
  previousStatus: ReferralStatus;
  statusChangedAt: string;
  redirectedToReferralId: string | null;
  allowedTransitions: ReferralStatus[];
}

/**
 * The one way a referral changes status, as the folders below `referrals/` see it: the SLA sweeper expires
 * referrals through it without importing `referrals/` (which imports `sla/`). `referrals/referral-moves.ts`
 * is the implementation; the module binds this token to it.
 */
export abstract class ReferralMover {
  abstract move(referralId: string, to: ReferralStatus, mover: Mover, details?: MoveDetails): Promise<TransitionResult>;
}
