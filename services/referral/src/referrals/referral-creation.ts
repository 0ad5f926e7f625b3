import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import type { EventPayload } from '@relais/contracts';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, DomainError, ValidationError } from '@relais/platform';
import { PersonVault, type PersonKey } from '@relais/privacy';
import { AssessmentCopies } from '../assessments/assessment-copies';
import { DirectoryReadModel, serviceRefusal, type ServiceEntry } from '../directory-read-model/directory-read-model';
import { Idempotency } from '../idempotency/idempotency';
import { PersonRegistry } from '../persons/person-registry';
import { referralSealContext, sealContact, type ContactDetails } from '../persons/referral-sealing';
import { actorRole, eventParties, type Actor } from '../referral-model/referral-events';
import type { Party } from '../referral-model/referral-lifecycle';
import { ReferralTransitionEntity } from '../referral-model/referral-transition.entity';
import {
  ReferralEntity,
  type ConsentMethod,
  type ConsentScope,
  type ConsentSharedWith,
  type ContactPreference,
  type Urgency,
} from '../referral-model/referral.entity';
import { parisDate } from '../sla/business-days';
import { ReferralTimers } from '../sla/referral-timers';
import type { CreatedReferralView, CreateReferralDto } from './referral-creation.dto';
import { createdView } from './referral-views';

/** Everything a new referral is made of: from a sender's request, or from the referral a redirect replaces. */
export interface NewReferral {
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
  /** The person's key when the caller already holds it (a creation just resolved the person): saves a lookup. */
  personKey?: PersonKey | null;
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

/** Up to this much clock difference between an agency's system and ours is tolerated on consent dates. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Sending a referral: who may send, to which service, for which person, with which consent and assessment;
 * then the one insert (also used by redirects) that writes the referral, its first history line, its SLA
 * timers and its `requested` event in the caller's transaction.
 */
@Injectable()
export class ReferralCreation {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
    private readonly vault: PersonVault,
    private readonly directory: DirectoryReadModel,
    private readonly timers: ReferralTimers,
    private readonly idempotency: Idempotency,
    private readonly persons: PersonRegistry,
    private readonly assessments: AssessmentCopies,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, dto: CreateReferralDto, idempotencyKey?: string): Promise<{ body: CreatedReferralView; replayed: boolean }> {
    const structureId = principal.structureId;
    if (!structureId) {
      throw new DomainError('forbidden', "Seul un compte rattaché à une structure (agent ou logiciel de la structure) peut envoyer une orientation.");
    }
    // What the diagnostic's events may still be bringing is waited for before the transaction opens.
    await Promise.all([
      dto.person.reference !== undefined ? this.persons.awaitLinked(dto.person.reference, structureId) : undefined,
      dto.assessmentId ? this.assessments.awaitKnown(dto.assessmentId) : undefined,
    ]);
    return this.createNow(principal, structureId, dto, idempotencyKey);
  }

  @Transactional()
  private async createNow(principal: Principal, structureId: string, dto: CreateReferralDto, idempotencyKey?: string): Promise<{ body: CreatedReferralView; replayed: boolean }> {
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

    const referral = await this.insert({
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
      personKey: person.key,
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
   * when the agent orients right after the diagnostic: `create` waited for it before this transaction.
   */
  private async checkAssessment(assessmentId: string, personRef: string, senderStructureId: string): Promise<void> {
    const refused = (message: string) =>
      new DomainError('unprocessable', `Ce diagnostic ne peut pas accompagner l’orientation : ${message}.`, { errors: [{ field: 'assessmentId', message }] });
    const assessment = await this.assessments.find(assessmentId);
    if (!assessment) throw refused('diagnostic inconnu (ou pas encore reçu du service diagnostic : réessayez dans un instant)');
    if (assessment.personRef !== personRef) throw refused('il concerne une autre personne');
    if (!(await this.assessments.mayShare(assessment, senderStructureId, this.clock.now()))) {
      throw refused('votre structure ne l’a pas réalisé et ne l’a pas reçu avec le consentement de la personne');
    }
  }

  /**
   * Writes a referral in `requested` with its history line, its SLA timers and its `requested` event, in the
   * caller's transaction (a creation's, or the move that redirects).
   */
  async insert(input: NewReferral): Promise<ReferralEntity> {
    const now = this.clock.now();
    const id = randomUUID();
    const structures = await this.directory.structures([input.sendingStructureId, input.service.structureId]);
    const sendingStructure = structures.get(input.sendingStructureId);
    const receivingStructure = structures.get(input.service.structureId);
    const senderNetworks = sendingStructure && !sendingStructure.deleted ? sendingStructure.networkIds : input.senderNetworkFallback;
    const receiverNetworks = input.service.networkIds.length > 0 ? input.service.networkIds : (receivingStructure?.networkIds ?? []);
    // The delays that apply are the receiving side's, preferably in a network both sides share.
    const networkId = receiverNetworks.find((n) => senderNetworks.includes(n)) ?? receiverNetworks[0] ?? null;
    const schedule = await this.timers.schedule(now, networkId);

    const needsKey = input.contact !== null || input.reason !== null;
    const key = needsKey ? (input.personKey ?? (await this.vault.keyFor(input.personRef))) : null;
    const referrals = this.txHost.tx.getRepository(ReferralEntity);
    const referral = referrals.create({
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
      personSealed: key && input.contact ? sealContact(key, id, input.contact) : null,
      reasonSealed: key && input.reason !== null ? key.seal(input.reason, referralSealContext.reason(id)) : null,
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
    await referrals.insert(referral);
    // Both sides may now use the person's reference: the sender to follow, the receiver to accompany.
    await this.persons.linkAll(input.personRef, [
      { structureId: input.sendingStructureId, via: 'referral-sent' },
      { structureId: input.service.structureId, via: 'referral-received' },
    ]);
    await this.txHost.tx.getRepository(ReferralTransitionEntity).insert({
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
    await this.timers.start(id, schedule);
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
}

type WireScope = EventPayload<'fr.relais.referral.referral.requested.v1'>['consent']['scope'][number];
const onTheWire = (scope: ConsentScope): scope is WireScope => scope !== 'journey';
