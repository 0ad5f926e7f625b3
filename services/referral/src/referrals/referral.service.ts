import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hasRole, type Principal } from '@relais/auth';
import type { EventPayload, ReferralStatus } from '@relais/contracts';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DomainError, NotFoundError, ValidationError } from '@relais/platform';
import { AuditLog } from '../audit/audit-log';
import { redirectMayShare, sharedParts } from '../consent/consent-policy';
import { DirectoryReadModel, serviceRefusal, type ServiceEntry } from '../directory-read-model/directory-read-model';
import { Idempotency } from '../idempotency/idempotency';
import { AssessmentCopies } from '../assessments/assessment-copies';
import { PersonRegistry } from '../persons/person-registry';
import { PersonVault, type PersonKey } from '@relais/privacy';
import { parisDate } from '../sla/business-days';
import { ReferralTimerEntity } from '../sla/referral-timer.entity';
import { SlaPolicy, slaSchedule } from '../sla/sla-policy';
import { Clock } from '../shared/clock';
import { reasonProblem } from './reason-codes';
import { partiesOf, viewOf } from './referral-access';
import { eventParties, transitionEventType, type Actor } from './referral-events';
import { checkTransition, isEndState, nextStatusesFor, type Party } from './referral-lifecycle';
import { ReferralTransitionEntity } from './referral-transition.entity';
import { createdView, decodeCursor, encodeCursor, summaryView } from './referral-views';
import type {
  CreatedReferralView,
  CreateReferralDto,
  ListReferralsQuery,
  OutcomeDto,
  PersonView,
  ReferralDetailView,
  ReferralPageView,
  TransitionDto,
  TransitionView,
} from './referral.dto';
import {
  ReferralEntity,
  type ConsentMethod,
  type ConsentScope,
  type ConsentSharedWith,
  type ContactPreference,
  type Urgency,
} from './referral.entity';

/** The direct identifiers, sealed together as one JSON value under the person's key. */
interface ContactDetails {
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
}

interface NewReferral {
  personRef: string;
  previousReferralId: string | null;
  sendingStructureId: string;
  senderSubject: string;
  senderRole: string;
  /** Réseaux locaux of the sending side when the directory does not know the structure (yet). */
  senderNetworkFallback: string[];
  service: ServiceEntry;
  needs: string[];
  urgency: Urgency;
  assessmentId: string | null;
  contactPreference: ContactPreference;
  contact: ContactDetails | null;
  reason: string | null;
  consent: {
    scope: ConsentScope[];
    method: ConsentMethod;
    sharedWith: ConsentSharedWith;
    obtainedAt: Date;
    obtainedBy: string;
    expiresAt: Date | null;
  };
  actor: Actor;
  party: Party;
}

/** Who moves a referral: a caller (whose parties are worked out from the referral) or the platform. */
export type Mover = { kind: 'caller'; principal: Principal } | { kind: 'system' };

export interface MoveDetails {
  reasonCode?: string;
  comment?: string;
  redirectToServiceId?: string;
  outcome?: OutcomeDto;
}

export interface TransitionResult {
  id: string;
  status: ReferralStatus;
  previousStatus: ReferralStatus;
  statusChangedAt: string;
  redirectedToReferralId: string | null;
  allowedTransitions: ReferralStatus[];
}

const sealContext = {
  contact: (referralId: string) => `referral:${referralId}:contact`,
  reason: (referralId: string) => `referral:${referralId}:reason`,
  outcome: (referralId: string) => `referral:${referralId}:outcome-summary`,
  comment: (referralId: string) => `referral:${referralId}:comment`,
};

/** Up to this much clock difference between an agency's system and ours is tolerated on consent dates. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Referrals: creation, the one method that moves them (`move`), and reading them as each caller may.
 * Every change writes the business rows, the history line and the catalog event in one transaction.
 */
@Injectable()
export class ReferralService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
    private readonly vault: PersonVault,
    private readonly directory: DirectoryReadModel,
    private readonly sla: SlaPolicy,
    private readonly audit: AuditLog,
    private readonly idempotency: Idempotency,
    private readonly persons: PersonRegistry,
    private readonly assessments: AssessmentCopies,
    private readonly clock: Clock,
  ) {}

  private get referrals() {
    return this.txHost.tx.getRepository(ReferralEntity);
  }

  private get transitions() {
    return this.txHost.tx.getRepository(ReferralTransitionEntity);
  }

  // ---- Create ------------------------------------------------------------------------------------

  @Transactional()
  async create(principal: Principal, dto: CreateReferralDto, idempotencyKey?: string): Promise<{ body: CreatedReferralView; replayed: boolean }> {
    const structureId = principal.structureId;
    if (!structureId) {
      throw new DomainError('forbidden', "Seul un compte rattaché à une structure (agent ou logiciel de la structure) peut envoyer une orientation.");
    }
    const claim = idempotencyKey ? await this.idempotency.claim<CreatedReferralView>(principal, idempotencyKey, dto) : null;
    if (claim?.kind === 'replay') return { body: claim.body, replayed: true };

    const now = this.clock.now();
    const service = await this.directory.service(dto.receivingServiceId);
    const refusal = serviceRefusal(service, parisDate(now));
    if (refusal || !service) {
      throw new DomainError('unprocessable', refusal ?? 'Service inconnu.', { errors: [{ field: 'receivingServiceId', message: refusal }] });
    }
    const consent = this.checkConsent(dto, principal, now);
    const person = await this.persons.resolveForReferral(structureId, dto.person);
    if (dto.assessmentId) await this.checkAssessment(dto.assessmentId, person.reference, structureId);

    const referral = await this.insertReferral({
      personRef: person.reference,
      previousReferralId: null,
      sendingStructureId: structureId,
      senderSubject: principal.subject,
      senderRole: actorRole(principal, 'sender'),
      senderNetworkFallback: principal.networkIds,
      service,
      needs: dto.needs,
      urgency: dto.urgency,
      assessmentId: dto.assessmentId ?? null,
      contactPreference: person.contactPreference,
      contact: {
        firstName: person.details.firstName,
        lastName: person.details.lastName,
        phone: person.details.phone,
        email: person.details.email,
      },
      reason: dto.reason,
      consent,
      actor: { role: actorRole(principal, 'sender'), structureId, subject: principal.subject },
      party: 'sender',
    });
    const body = createdView(referral);
    if (claim?.kind === 'new') await claim.complete(referral.id, 201, body);
    return { body, replayed: false };
  }

  private checkConsent(dto: CreateReferralDto, principal: Principal, now: Date): NewReferral['consent'] {
    const obtainedAt = new Date(dto.consent.obtainedAt);
    const expiresAt = dto.consent.expiresAt ? new Date(dto.consent.expiresAt) : null;
    if (obtainedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw new ValidationError([{ field: 'consent.obtainedAt', message: 'le consentement ne peut pas avoir été recueilli dans le futur' }]);
    }
    if (expiresAt && expiresAt.getTime() <= Math.max(obtainedAt.getTime(), now.getTime())) {
      throw new ValidationError([{ field: 'consent.expiresAt', message: 'la fin de validité du consentement doit être dans le futur' }]);
    }
    return {
      scope: dto.consent.scope,
      method: dto.consent.method,
      sharedWith: dto.consent.sharedWith ?? 'receiver',
      obtainedAt,
      // Who recorded the consent is the account that sends: a body cannot name someone else.
      obtainedBy: principal.subject,
      expiresAt,
    };
  }

  /**
   * An assessment travels with a referral only if the sender's structure ran it, or was itself given it by
   * an earlier referral's consent, and it is this person's. The diagnostic's event may still be on its way
   * when the agent orients right after the diagnostic: it is waited for a moment before answering.
   */
  private async checkAssessment(assessmentId: string, personRef: string, senderStructureId: string): Promise<void> {
    const refused = (message: string) =>
      new DomainError('unprocessable', `Ce diagnostic ne peut pas accompagner l’orientation : ${message}.`, { errors: [{ field: 'assessmentId', message }] });
    const assessment = await this.assessments.awaitKnown(assessmentId);
    if (!assessment) throw refused('diagnostic inconnu (ou pas encore reçu du service diagnostic : réessayez dans un instant)');
    if (assessment.personRef !== personRef) throw refused('il concerne une autre personne');
    if (!(await this.assessments.mayShare(assessment, senderStructureId, this.clock.now()))) {
      throw refused('votre structure ne l’a pas réalisé et ne l’a pas reçu avec le consentement de la personne');
    }
  }

  /** Writes a referral in `requested` with its history line, its SLA timers and its `requested` event. */
  private async insertReferral(input: NewReferral): Promise<ReferralEntity> {
    const now = this.clock.now();
    const id = randomUUID();
    const structures = await this.directory.structures([input.sendingStructureId, input.service.structureId]);
    const sendingStructure = structures.get(input.sendingStructureId);
    const receivingStructure = structures.get(input.service.structureId);
    const senderNetworks = sendingStructure && !sendingStructure.deleted ? sendingStructure.networkIds : input.senderNetworkFallback;
    const receiverNetworks = input.service.networkIds.length > 0 ? input.service.networkIds : (receivingStructure?.networkIds ?? []);
    // The delays that apply are the receiving side's, preferably in a network both sides share.
    const networkId = receiverNetworks.find((n) => senderNetworks.includes(n)) ?? receiverNetworks[0] ?? null;
    const schedule = slaSchedule(now, await this.sla.delaysFor(networkId));

    const needsKey = input.contact !== null || input.reason !== null;
    const key = needsKey ? await this.vault.keyFor(input.personRef) : null;
    const referral = this.referrals.create({
      id,
      personRef: input.personRef,
      previousReferralId: input.previousReferralId,
      status: 'requested',
      sendingStructureId: input.sendingStructureId,
      senderSubject: input.senderSubject,
      senderRole: input.senderRole,
      receivingServiceId: input.service.serviceId,
      receivingStructureId: input.service.structureId,
      networkId,
      networkIds: [...new Set([...senderNetworks, ...receiverNetworks])],
      needs: input.needs,
      urgency: input.urgency,
      assessmentId: input.assessmentId,
      contactPreference: input.contactPreference,
      personSealed: key && input.contact ? key.seal(JSON.stringify(input.contact), sealContext.contact(id)) : null,
      reasonSealed: key && input.reason !== null ? key.seal(input.reason, sealContext.reason(id)) : null,
      consentScope: input.consent.scope,
      consentMethod: input.consent.method,
      consentSharedWith: input.consent.sharedWith,
      consentObtainedAt: input.consent.obtainedAt,
      consentObtainedBy: input.consent.obtainedBy,
      consentExpiresAt: input.consent.expiresAt,
      consentRevokedAt: null,
      consentRevokedBy: null,
      outcomeSummarySealed: null,
      outcomeAutonomyGained: null,
      outcomeNextStep: null,
      acknowledgeDueAt: schedule.acknowledgeDueAt,
      firstContactDueAt: schedule.firstContactDueAt,
      expiresAt: schedule.expiresAt,
      acknowledgedAt: null,
      firstContactAt: null,
      closedAt: null,
      personErasedAt: null,
      createdAt: now,
      statusChangedAt: now,
    });
    await this.referrals.insert(referral);
    // Both sides may now use the person's reference: the sender to follow, the receiver to accompany.
    await this.persons.link(input.personRef, input.sendingStructureId, 'referral-sent');
    await this.persons.link(input.personRef, input.service.structureId, 'referral-received');
    await this.transitions.insert({
      referralId: id,
      fromStatus: 'draft',
      toStatus: 'requested',
      actorParty: input.party,
      actorRole: input.actor.role,
      actorStructureId: input.actor.structureId,
      actorSubject: input.actor.subject,
      reasonCode: null,
      commentSealed: null,
      redirectedToReferralId: null,
      at: now,
    });
    await this.txHost.tx
      .getRepository(ReferralTimerEntity)
      .insert(schedule.timers.map((timer) => ({ referralId: id, kind: timer.kind, dueAt: timer.dueAt, firedAt: null })));
    await this.publisher.publish(
      'fr.relais.referral.referral.requested.v1',
      {
        ...eventParties(referral),
        previousReferralId: input.previousReferralId,
        needs: input.needs,
        urgency: input.urgency,
        assessmentId: input.assessmentId,
        // `journey` concerns this service's journey view only; the v1 contract lists what the receiver gets.
        consent: { scope: input.consent.scope.filter(onTheWire), method: input.consent.method, expiresAt: input.consent.expiresAt?.toISOString() ?? null },
        acknowledgeDueAt: schedule.acknowledgeDueAt.toISOString(),
        firstContactDueAt: schedule.firstContactDueAt.toISOString(),
        by: input.actor,
        at: now.toISOString(),
      },
      { time: now },
    );
    return referral;
  }

  // ---- Move --------------------------------------------------------------------------------------

  /**
   * The one way a referral changes status: checks the move against the lifecycle table and the caller,
   * writes the history line, updates the referral (and its timers), publishes the catalog event.
   */
  @Transactional()
  async move(referralId: string, to: ReferralStatus, mover: Mover, details: MoveDetails = {}): Promise<TransitionResult> {
    const referral = await this.referrals.findOne({ where: { id: referralId }, lock: { mode: 'pessimistic_write' } });
    if (!referral || (mover.kind === 'caller' && viewOf(mover.principal, referral) === null)) throw new NotFoundError('Orientation');
    const parties: Party[] = mover.kind === 'caller' ? partiesOf(mover.principal, referral) : ['system'];
    const from = referral.status;
    const check = checkTransition(from, to, parties);
    if (!check.allowed) {
      const extensions = { currentStatus: from, requestedStatus: to, allowedStatuses: check.allowedForCaller };
      const allowedText = check.allowedForCaller.length
        ? `Depuis « ${from} », vous pouvez la faire passer à : ${check.allowedForCaller.join(', ')}.`
        : `Depuis « ${from} », vous ne pouvez plus la faire changer de statut.`;
      if (check.reason === 'no-such-move') {
        throw new DomainError('illegal-transition', `Une orientation ne peut pas passer de « ${from} » à « ${to} ». ${allowedText}`, extensions);
      }
      throw new DomainError('forbidden', `Le passage de « ${from} » à « ${to} » revient à une autre partie. ${allowedText}`, extensions);
    }
    this.checkDetails(to, details);

    const now = this.clock.now();
    const actor: Actor =
      mover.kind === 'system'
        ? { role: 'system', structureId: null, subject: 'relais-referral' }
        : { role: actorRole(mover.principal, check.by), structureId: mover.principal.structureId, subject: mover.principal.subject };

    const redirectedToReferralId = to === 'redirected' ? await this.redirect(referral, details, mover, check.by, actor, now) : null;

    // Free text is kept only while the person's key exists: after erasure nothing new about them is stored.
    const key = referral.personErasedAt === null && (details.comment || details.outcome?.summary) ? await this.vault.keyFor(referral.personRef) : null;
    const changes: Partial<ReferralEntity> = { status: to, statusChangedAt: now };
    if (to === 'received') changes.acknowledgedAt = now;
    if (to === 'in-progress' && referral.firstContactAt === null) changes.firstContactAt = now;
    if (isEndState(to)) changes.closedAt = now;
    if (to === 'completed' && details.outcome) {
      changes.outcomeAutonomyGained = details.outcome.autonomyGained ?? null;
      changes.outcomeNextStep = details.outcome.nextStep ?? null;
      changes.outcomeSummarySealed = key && details.outcome.summary ? key.seal(details.outcome.summary, sealContext.outcome(referral.id)) : null;
    }
    await this.referrals.update({ id: referral.id }, changes);
    Object.assign(referral, changes);
    await this.transitions.insert({
      referralId: referral.id,
      fromStatus: from,
      toStatus: to,
      actorParty: check.by,
      actorRole: actor.role,
      actorStructureId: actor.structureId,
      actorSubject: actor.subject,
      reasonCode: details.reasonCode ?? null,
      commentSealed: key && details.comment ? key.seal(details.comment, sealContext.comment(referral.id)) : null,
      redirectedToReferralId,
      at: now,
    });
    await this.settleTimers(referral.id, to);

    const type = transitionEventType(from, to);
    if (type) {
      await this.publisher.publish(
        type,
        {
          ...eventParties(referral),
          from,
          to,
          reasonCode: details.reasonCode ?? null,
          // The summary is free text about the person: it stays sealed here and never travels.
          outcome:
            to === 'completed'
              ? { summary: null, autonomyGained: referral.outcomeAutonomyGained ?? null, nextStep: referral.outcomeNextStep ?? null }
              : null,
          redirectedToReferralId,
          by: actor,
          at: now.toISOString(),
        },
        { time: now },
      );
    }
    return {
      id: referral.id,
      status: to,
      previousStatus: from,
      statusChangedAt: now.toISOString(),
      redirectedToReferralId,
      allowedTransitions: nextStatusesFor(to, parties),
    };
  }

  private checkDetails(to: ReferralStatus, details: MoveDetails): void {
    const problem = reasonProblem(to, details.reasonCode, details.comment);
    if (problem) throw new ValidationError([{ field: 'reasonCode', message: problem }], problem);
    if (to === 'redirected' && !details.redirectToServiceId) {
      throw new ValidationError([{ field: 'redirectToServiceId', message: 'obligatoire pour réorienter : le service vers lequel la personne est réorientée' }]);
    }
    if (to !== 'redirected' && details.redirectToServiceId) {
      throw new ValidationError([{ field: 'redirectToServiceId', message: 'ne s’emploie qu’avec le statut redirected' }]);
    }
    if (to !== 'completed' && details.outcome) {
      throw new ValidationError([{ field: 'outcome', message: 'ne s’emploie qu’avec le statut completed' }]);
    }
  }

  /** Creates the linked referral of a redirect; the person's data follows only if the consent allows it. */
  private async redirect(referral: ReferralEntity, details: MoveDetails, mover: Mover, by: Party, actor: Actor, now: Date): Promise<string> {
    const target = await this.directory.service(details.redirectToServiceId ?? '');
    const refusal = serviceRefusal(target, parisDate(now));
    if (refusal || !target) {
      throw new DomainError('unprocessable', refusal ?? 'Service inconnu.', { errors: [{ field: 'redirectToServiceId', message: refusal }] });
    }
    if (target.serviceId === referral.receivingServiceId) {
      throw new DomainError('unprocessable', 'La réorientation doit viser un autre service.', {
        errors: [{ field: 'redirectToServiceId', message: 'le même service que l’orientation actuelle' }],
      });
    }
    if (by === 'coordinator' && mover.kind === 'caller' && !target.networkIds.some((id) => mover.principal.networkIds.includes(id))) {
      throw new DomainError('forbidden', 'Une coordination ne réaffecte une orientation qu’à un service de son réseau.');
    }
    const share = redirectMayShare(referral, now);
    const key: PersonKey | null = share ? await this.vault.find(referral.personRef) : null;
    const contact = key ? parseContact(key.open(referral.personSealed, sealContext.contact(referral.id))) : null;
    const reason = key ? key.open(referral.reasonSealed, sealContext.reason(referral.id)) : null;
    const next = await this.insertReferral({
      personRef: referral.personRef,
      previousReferralId: referral.id,
      // The original sender keeps following the person: the chain is theirs to close.
      sendingStructureId: referral.sendingStructureId,
      senderSubject: referral.senderSubject,
      senderRole: referral.senderRole,
      senderNetworkFallback: referral.networkIds,
      service: target,
      needs: referral.needs,
      urgency: referral.urgency,
      assessmentId: referral.assessmentId,
      contactPreference: referral.contactPreference,
      contact,
      reason,
      consent: {
        scope: share ? referral.consentScope : [],
        method: referral.consentMethod,
        sharedWith: share ? referral.consentSharedWith : 'receiver',
        obtainedAt: referral.consentObtainedAt,
        obtainedBy: referral.consentObtainedBy,
        expiresAt: referral.consentExpiresAt,
      },
      actor,
      party: by,
    });
    return next.id;
  }

  /** Timers that no longer apply once a step is done are dropped, so the sweeper never acts on them. */
  private async settleTimers(referralId: string, to: ReferralStatus): Promise<void> {
    const timers = this.txHost.tx.getRepository(ReferralTimerEntity);
    if (isEndState(to)) {
      await timers.delete({ referralId });
    } else if (to === 'received') {
      await timers.delete({ referralId, kind: 'acknowledge-reminder' });
      await timers.delete({ referralId, kind: 'expiry' });
    } else if (to === 'in-progress') {
      await timers.delete({ referralId, kind: 'first-contact-reminder' });
    }
  }

  async transition(principal: Principal, referralId: string, dto: TransitionDto): Promise<TransitionResult> {
    return this.move(referralId, dto.status, { kind: 'caller', principal }, dto);
  }

  // ---- Read --------------------------------------------------------------------------------------

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
      const contact = parseContact(key.open(referral.personSealed, sealContext.contact(referral.id)));
      for (const field of ['firstName', 'lastName', 'phone', 'email'] as const) {
        person[field] = contact?.[field] ?? null;
        if (contact?.[field]) read.push(`person.${field}`);
      }
    }
    const reason = parts.reason ? open('reason', referral.reasonSealed, sealContext.reason(referral.id)) : null;

    const rows = await this.transitions.find({ where: { referralId: referral.id }, order: { id: 'ASC' } });
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
        line.comment = key ? key.open(row.commentSealed, sealContext.comment(referral.id)) : null;
        commentsRead ||= line.comment !== null;
      }
      return line;
    });
    if (commentsRead) read.push('history.comment');
    const summary = parts.notes ? open('outcome.summary', referral.outcomeSummarySealed, sealContext.outcome(referral.id)) : null;

    if (read.length > 0) await this.audit.record(principal, 'read', { referralId: referral.id, personRef: referral.personRef }, read);

    const hasOutcome = referral.status === 'completed' || referral.outcomeAutonomyGained !== null || referral.outcomeNextStep !== null;
    return {
      ...summaryView(referral, now),
      view,
      person,
      ...(parts.reason ? { reason } : {}),
      assessmentId: parts.assessment ? referral.assessmentId : null,
      consent: {
        scope: referral.consentScope,
        method: referral.consentMethod,
        sharedWith: referral.consentSharedWith,
        obtainedAt: referral.consentObtainedAt.toISOString(),
        obtainedBy: referral.consentObtainedBy,
        expiresAt: referral.consentExpiresAt?.toISOString() ?? null,
        revokedAt: referral.consentRevokedAt?.toISOString() ?? null,
        active: referral.consentRevokedAt === null && (referral.consentExpiresAt === null || referral.consentExpiresAt > now),
      },
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
    const rows = await builder.orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'DESC').limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => summaryView(row, now)),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }
}

type WireScope = EventPayload<'fr.relais.referral.referral.requested.v1'>['consent']['scope'][number];
const onTheWire = (scope: ConsentScope): scope is WireScope => scope !== 'journey';

/** How the caller appears in events and history: never a name, only a role, a structure and an account id. */
export function actorRole(principal: Principal, party: Party): Actor['role'] {
  if (party === 'coordinator') return 'coordinator';
  if (party === 'system') return 'system';
  if (hasRole(principal, 'integration') && principal.clientId) return 'integration';
  if (hasRole(principal, 'agent')) return 'agent';
  return hasRole(principal, 'admin') ? 'admin' : 'agent';
}

function parseContact(text: string | null): ContactDetails | null {
  if (!text) return null;
  const value = JSON.parse(text) as Partial<ContactDetails>;
  return { firstName: value.firstName ?? null, lastName: value.lastName ?? null, phone: value.phone ?? null, email: value.email ?? null };
}
