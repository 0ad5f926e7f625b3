import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import type { ReferralStatus } from '@relais/contracts';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, DomainError, NotFoundError, ValidationError } from '@relais/platform';
import { PersonVault, type PersonKey } from '@relais/privacy';
import { redirectMayShare } from '../consent/consent-policy';
import { DirectoryReadModel, serviceRefusal } from '../directory-read-model/directory-read-model';
import { openContact, referralSealContext } from '../persons/referral-sealing';
import { partiesOf, viewOf } from '../referral-model/referral-access';
import { actorRole, eventParties, transitionEventType, type Actor } from '../referral-model/referral-events';
import { checkTransition, isEndState, nextStatusesFor, type Party } from '../referral-model/referral-lifecycle';
import { ReferralMover, type MoveDetails, type Mover, type TransitionResult } from '../referral-model/referral-mover';
import { ReferralTransitionEntity } from '../referral-model/referral-transition.entity';
import { ReferralEntity } from '../referral-model/referral.entity';
import { parisDate } from '../sla/business-days';
import { ReferralTimers } from '../sla/referral-timers';
import { reasonProblem } from './reason-codes';
import { ReferralCreation } from './referral-creation';
import type { TransitionDto } from './referral-moves.dto';

/**
 * Moving referrals: every transition, redirect, cancellation and expiry goes through `move`, which checks it
 * against the lifecycle table and the caller, then writes the referral, its history line, its timers and the
 * catalog event in one transaction.
 */
@Injectable()
export class ReferralMoves implements ReferralMover {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
    private readonly vault: PersonVault,
    private readonly directory: DirectoryReadModel,
    private readonly timers: ReferralTimers,
    private readonly creation: ReferralCreation,
    private readonly clock: Clock,
  ) {}

  /** A caller's `POST /v1/referrals/{id}/transitions`. */
  async transition(principal: Principal, referralId: string, dto: TransitionDto): Promise<TransitionResult> {
    return this.move(referralId, dto.status, { kind: 'caller', principal }, dto);
  }

  /**
   * The one way a referral changes status: checks the move against the lifecycle table and the caller,
   * writes the history line, updates the referral (and its timers), publishes the catalog event.
   */
  @Transactional()
  async move(referralId: string, to: ReferralStatus, mover: Mover, details: MoveDetails = {}): Promise<TransitionResult> {
    const referrals = this.txHost.tx.getRepository(ReferralEntity);
    const referral = await referrals.findOne({ where: { id: referralId }, lock: { mode: 'pessimistic_write' } });
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
    checkDetails(to, details);

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
      changes.outcomeSummarySealed = key && details.outcome.summary ? key.seal(details.outcome.summary, referralSealContext.outcome(referral.id)) : null;
    }
    await referrals.update({ id: referral.id }, changes);
    Object.assign(referral, changes);
    await this.txHost.tx.getRepository(ReferralTransitionEntity).insert({
      referralId: referral.id,
      fromStatus: from,
      toStatus: to,
      actorParty: check.by,
      actorRole: actor.role,
      actorStructureId: actor.structureId,
      actorSubject: actor.subject,
      reasonCode: details.reasonCode ?? null,
      commentSealed: key && details.comment ? key.seal(details.comment, referralSealContext.comment(referral.id)) : null,
      redirectedToReferralId,
      at: now,
    });
    await this.timers.settle(referral.id, to);

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
    const contact = key ? openContact(key, referral.id, referral.personSealed) : null;
    const reason = key ? key.open(referral.reasonSealed, referralSealContext.reason(referral.id)) : null;
    const next = await this.creation.insert({
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
      personKey: key,
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
}

/** What a move needs besides the status: a reason where the table asks one, a target for a redirect only… */
function checkDetails(to: ReferralStatus, details: MoveDetails): void {
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
