import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, DomainError, NotFoundError } from '@relais/platform';
import { AuditLog } from '../audit/audit-log';
import { partiesOf, viewOf } from '../referral-model/referral-access';
import { actorRole, eventParties } from '../referral-model/referral-events';
import { ReferralEntity } from '../referral-model/referral.entity';
import { consentView, type ConsentView } from './consent.view';

/**
 * Withdrawal of consent: from that instant the receiving structure no longer sees the person's data
 * (reads check the consent each time), and the catalog event tells the other services to stop too.
 */
@Injectable()
export class ConsentService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly publisher: EventPublisher,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  @Transactional()
  async revoke(principal: Principal, referralId: string): Promise<ConsentView> {
    const referrals = this.txHost.tx.getRepository(ReferralEntity);
    const referral = await referrals.findOne({ where: { id: referralId }, lock: { mode: 'pessimistic_write' } });
    if (!referral || viewOf(principal, referral) === null) throw new NotFoundError('Orientation');
    const parties = partiesOf(principal, referral);
    const party = parties.includes('sender') ? 'sender' : parties.includes('receiver') ? 'receiver' : null;
    if (!party) throw new DomainError('forbidden', 'Seules les deux structures de l’orientation enregistrent le retrait du consentement de la personne.');
    const now = this.clock.now();
    if (referral.consentRevokedAt === null) {
      referral.consentRevokedAt = now;
      referral.consentRevokedBy = principal.subject;
      await referrals.update({ id: referral.id }, { consentRevokedAt: now, consentRevokedBy: principal.subject });
      await this.publisher.publish(
        'fr.relais.referral.referral.consent-revoked.v1',
        {
          ...eventParties(referral),
          by: { role: actorRole(principal, party), structureId: principal.structureId, subject: principal.subject },
          at: now.toISOString(),
        },
        { time: now },
      );
      await this.audit.record(principal, 'revoke-consent', { referralId: referral.id, personRef: referral.personRef }, ['consent']);
    }
    return consentView(referral, now);
  }
}
