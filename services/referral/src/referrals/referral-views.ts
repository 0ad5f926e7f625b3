import type { ReferralStatus } from '@relais/contracts';
import { decodeCursor as decodeKey, encodeCursor as encodeKey } from '@relais/platform';
import type { ReferralEntity } from '../referral-model/referral.entity';
import type { CreatedReferralView } from './referral-creation.dto';
import type { DeadlinesView, ReferralSummaryView } from './referral-reads.dto';

const waitingForFirstContact: ReadonlySet<ReferralStatus> = new Set(['received', 'accepted']);

/** Late on the step the receiver owes: the acknowledgement, or the first contact. */
export function isOverdue(referral: Pick<ReferralEntity, 'status' | 'acknowledgeDueAt' | 'firstContactDueAt'>, now: Date): boolean {
  const t = now.getTime();
  if (referral.status === 'requested') return t > referral.acknowledgeDueAt.getTime();
  return waitingForFirstContact.has(referral.status) && t > referral.firstContactDueAt.getTime();
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function deadlinesView(referral: ReferralEntity, now: Date): DeadlinesView {
  return {
    acknowledgeDueAt: referral.acknowledgeDueAt.toISOString(),
    firstContactDueAt: referral.firstContactDueAt.toISOString(),
    expiresAt: referral.expiresAt.toISOString(),
    acknowledgedAt: iso(referral.acknowledgedAt),
    firstContactAt: iso(referral.firstContactAt),
    overdue: isOverdue(referral, now),
  };
}

/** What lists show: no direct identifier and no free text, so listing writes no audit line. */
export function summaryView(referral: ReferralEntity, now: Date): ReferralSummaryView {
  return {
    id: referral.id,
    personReference: referral.personRef,
    status: referral.status,
    urgency: referral.urgency,
    needs: referral.needs,
    sendingStructureId: referral.sendingStructureId,
    receivingServiceId: referral.receivingServiceId,
    receivingStructureId: referral.receivingStructureId,
    networkId: referral.networkId,
    previousReferralId: referral.previousReferralId,
    createdAt: referral.createdAt.toISOString(),
    statusChangedAt: referral.statusChangedAt.toISOString(),
    deadlines: deadlinesView(referral, now),
    personErased: referral.personErasedAt !== null,
  };
}

export function createdView(referral: ReferralEntity): CreatedReferralView {
  return {
    id: referral.id,
    status: 'requested',
    personReference: referral.personRef,
    receivingServiceId: referral.receivingServiceId,
    acknowledgeDueAt: referral.acknowledgeDueAt.toISOString(),
    firstContactDueAt: referral.firstContactDueAt.toISOString(),
    createdAt: referral.createdAt.toISOString(),
  };
}

export interface ListCursor {
  createdAt: string;
  id: string;
}

/** The sort key a list cursor holds (the platform's cursor format: `encodeCursor` of @relais/platform). */
export function cursorKey(cursor: ListCursor): [string, string] {
  return [cursor.createdAt, cursor.id];
}

export function encodeCursor(cursor: ListCursor): string {
  return encodeKey(cursorKey(cursor));
}

export function decodeCursor(text: string): ListCursor | null {
  const [createdAt, id] = decodeKey(text, 2) ?? [];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt))) return null;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}
