import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, NotFoundError } from '@relais/platform';
import { PersonVault } from '@relais/privacy';
import { AuditLog } from '../audit/audit-log';
import { consentActive } from '../consent/consent-policy';
import { openContact } from '../persons/referral-sealing';
import { ReferralEntity } from '../referral-model/referral.entity';
import type { NoticeContactView } from './notice-contact.dto';

/**
 * Where the person wants to hear about their referral, for the notification service only (docs/security.md,
 * "The person's own messages"): the address never travels on Kafka, so notification asks here, at the moment
 * it has something to say. Consent and preference are checked now, not when the referral was sent: a
 * withdrawn consent, a preference for the referent or for nothing, an erasure — no address.
 */
@Injectable()
export class NoticeContacts {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly vault: PersonVault,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  @Transactional()
  async find(principal: Principal, referralId: string): Promise<NoticeContactView> {
    const referral = await this.txHost.tx.getRepository(ReferralEntity).findOne({ where: { id: referralId } });
    if (!referral) throw new NotFoundError('Orientation');
    const none: NoticeContactView = { channel: null, address: null };
    const preference = referral.contactPreference;
    if (preference !== 'email' && preference !== 'sms') return none;
    if (referral.personErasedAt !== null || !consentActive(referral, this.clock.now()) || !referral.consentScope.includes('contact')) return none;
    const key = await this.vault.find(referral.personRef);
    const contact = key ? openContact(key, referral.id, referral.personSealed) : null;
    const address = preference === 'email' ? contact?.email : contact?.phone;
    if (!address) return none;
    await this.audit.record(principal, 'read', { referralId: referral.id, personRef: referral.personRef }, [preference === 'email' ? 'person.email' : 'person.phone']);
    return { channel: preference, address };
  }
}
