import { Injectable } from '@nestjs/common';
import { hasRole, type Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, DomainError, NotFoundError, pageOf, ValidationError } from '@relais/platform';
import { PersonVault } from '@relais/privacy';
import { AuditLog } from '../audit/audit-log';
import { sharedParts } from '../consent/consent-policy';
import { consentView } from '../consent/consent.view';
import { openContact, referralSealContext } from '../persons/referral-sealing';
import { partiesOf, viewOf } from '../referral-model/referral-access';
import { nextStatusesFor } from '../referral-model/referral-lifecycle';
import { ReferralTransitionEntity } from '../referral-model/referral-transition.entity';
import { ReferralEntity } from '../referral-model/referral.entity';
import type { ListReferralsQuery, PersonView, ReferralDetailView, ReferralPageView, TransitionView } from './referral-reads.dto';
import { cursorKey, decodeCursor, summaryView } from './referral-views';

/** The columns `summaryView` reads: a list page loads these and nothing else. */
const SUMMARY_COLUMNS = [
  'id',
  'personRef',
  'status',
  'urgency',
  'needs',
  'sendingStructureId',
  'receivingServiceId',
  'receivingStructureId',
  'networkId',
  'previousReferralId',
  'createdAt',
  'statusChangedAt',
  'acknowledgeDueAt',
  'firstContactDueAt',
  'expiresAt',
  'acknowledgedAt',
  'firstContactAt',
  'personErasedAt',
] as const satisfies ReadonlyArray<keyof ReferralEntity>;

/**
 * Reading referrals as each caller may: one referral with what its consent shares (every personal part read
 * is a line of the audit log), and the lists (boxes), which carry no personal data.
 */
@Injectable()
export class ReferralReads {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly vault: PersonVault,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  private get referrals() {
    return this.txHost.tx.getRepository(ReferralEntity);
  }

  @Transactional()
  async get(principal: Principal, referralId: string): Promise<ReferralDetailView> {
    const referral = await this.referrals.findOne({ where: { id: referralId } });
    const view = referral ? viewOf(principal, referral) : null;
    if (!referral || !view) throw new NotFoundError('Orientation');
    const now = this.clock.now();
    const parties = partiesOf(principal, referral);
    const parts =
      view === 'full'
        ? sharedParts(referral, { sender: parties.includes('sender'), receiver: parties.includes('receiver') }, now)
        : { contact: false, reason: false, assessment: false, notes: false };
    const key = parts.contact || parts.reason || parts.notes ? await this.vault.find(referral.personRef) : null;
    const read: string[] = [];
    const open = (field: string, sealed: Buffer | null, context: string): string | null => {
      const value = key ? key.open(sealed, context) : null;
      if (value !== null) read.push(field);
      return value;
    };

    const person: PersonView = { reference: referral.personRef, contactPreference: referral.contactPreference };
    if (parts.contact && key) {
      const contact = openContact(key, referral.id, referral.personSealed);
      for (const field of ['firstName', 'lastName', 'phone', 'email'] as const) {
        person[field] = contact?.[field] ?? null;
        if (contact?.[field]) read.push(`person.${field}`);
      }
    }
    const reason = parts.reason ? open('reason', referral.reasonSealed, referralSealContext.reason(referral.id)) : null;

    const rows = await this.txHost.tx.getRepository(ReferralTransitionEntity).find({ where: { referralId: referral.id }, order: { id: 'ASC' } });
    let commentsRead = false;
    const history: TransitionView[] = rows.map((row) => {
      const line: TransitionView = {
        from: row.fromStatus,
        to: row.toStatus,
        at: row.at.toISOString(),
        by: { party: row.actorParty, role: row.actorRole, structureId: row.actorStructureId, subject: row.actorSubject },
        reasonCode: row.reasonCode,
        redirectedToReferralId: row.redirectedToReferralId,
      };
      if (parts.notes && row.commentSealed) {
        line.comment = key ? key.open(row.commentSealed, referralSealContext.comment(referral.id)) : null;
        commentsRead ||= line.comment !== null;
      }
      return line;
    });
    if (commentsRead) read.push('history.comment');
    const summary = parts.notes ? open('outcome.summary', referral.outcomeSummarySealed, referralSealContext.outcome(referral.id)) : null;

    if (read.length > 0) await this.audit.record(principal, 'read', { referralId: referral.id, personRef: referral.personRef }, read);

    const hasOutcome = referral.status === 'completed' || referral.outcomeAutonomyGained !== null || referral.outcomeNextStep !== null;
    return {
      ...summaryView(referral, now),
      view,
      person,
      ...(parts.reason ? { reason } : {}),
      assessmentId: parts.assessment ? referral.assessmentId : null,
      consent: consentView(referral, now),
      outcome: hasOutcome
        ? { ...(parts.notes ? { summary } : {}), autonomyGained: referral.outcomeAutonomyGained, nextStep: referral.outcomeNextStep }
        : null,
      history,
      allowedTransitions: nextStatusesFor(referral.status, parties),
    };
  }

  /** Reads one indexed page: no transaction needed (and none held while the page is serialised). */
  async list(principal: Principal, query: ListReferralsQuery): Promise<ReferralPageView> {
    const now = this.clock.now();
    const box = query.box ?? (principal.structureId ? 'received' : 'network');
    const limit = query.limit ?? 20;
    const builder = this.referrals.createQueryBuilder('r');
    if (box === 'network') {
      if (!hasRole(principal, 'coordinator', 'admin')) {
        throw new DomainError('forbidden', 'La boîte « network » est celle des coordinations de réseau.', { requiredRoles: ['coordinator', 'admin'] });
      }
      builder.where('r.networkIds && :networks::uuid[]', { networks: principal.networkIds });
    } else {
      if (!principal.structureId || !hasRole(principal, 'agent', 'integration')) {
        throw new DomainError('forbidden', `La boîte « ${box} » est celle d'une structure : ce compte n'en a pas.`);
      }
      builder.where(box === 'received' ? 'r.receivingStructureId = :structure' : 'r.sendingStructureId = :structure', { structure: principal.structureId });
    }
    if (query.status?.length) builder.andWhere('r.status IN (:...statuses)', { statuses: query.status });
    if (query.overdue !== undefined) {
      const overdue = `((r.status = 'requested' AND r.acknowledgeDueAt < :now) OR (r.status IN ('received', 'accepted') AND r.firstContactDueAt < :now))`;
      builder.andWhere(query.overdue ? overdue : `NOT ${overdue}`, { now });
    }
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw new ValidationError([{ field: 'cursor', message: 'curseur illisible : reprenez nextCursor tel quel' }]);
      builder.andWhere('(r.createdAt, r.id) < (:cursorAt, :cursorId)', { cursorAt: new Date(cursor.createdAt), cursorId: cursor.id });
    }
    // Only what a summary shows: the sealed columns (contact, reason, outcome) are never read for a list.
    builder.select(SUMMARY_COLUMNS.map((column) => `r.${column}`));
    const rows = await builder.orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'DESC').limit(limit + 1).getMany();
    return pageOf(rows, limit, (row) => summaryView(row, now), (row) => cursorKey({ createdAt: row.createdAt.toISOString(), id: row.id }));
  }
}
