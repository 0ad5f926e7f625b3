import { MessagingParkedKeys1765000000000, MessagingTables1732350000000 } from '@relais/messaging';
import { DirectorySchema1732460000000 } from './1732460000000-directory-schema';
import { ReferralEmail1766100000000 } from './1766100000000-referral-email';

/** Every migration of this service, in the order they apply. Never edit one that has shipped: add another. */
export const migrations: Function[] = [MessagingTables1732350000000, DirectorySchema1732460000000, MessagingParkedKeys1765000000000, ReferralEmail1766100000000];
