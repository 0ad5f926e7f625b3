import { MessagingParkedKeys1765000000000, MessagingTables1732350000000 } from '@relais/messaging';
import { ReferralSchema1763900000000 } from './1763900000000-referral-schema';
import { Persons1764700000000 } from './1764700000000-persons';
import { ActionLinks1766100000000 } from './1766100000000-action-links';

/** Every migration of this service, in the order they apply. Never edit one that has shipped: add another. */
export const migrations: Function[] = [MessagingTables1732350000000, ReferralSchema1763900000000, Persons1764700000000, MessagingParkedKeys1765000000000, ActionLinks1766100000000];
