import { MessagingParkedKeys1765000000000, MessagingTables1732350000000 } from '@relais/messaging';
import { DirectorySchema1732460000000 } from './1732460000000-directory-schema';
import { DataInclusionV1Vocabularies1765100000000 } from './1765100000000-data-inclusion-v1-vocabularies';
import { ReferralEmail1766100000000 } from './1766100000000-referral-email';
import { SearchWalk1766200000000 } from './1766200000000-search-walk';

/** Every migration of this service, in the order they apply. Never edit one that has shipped: add another. */
export const migrations: Function[] = [
  MessagingTables1732350000000,
  DirectorySchema1732460000000,
  MessagingParkedKeys1765000000000,
  DataInclusionV1Vocabularies1765100000000,
  ReferralEmail1766100000000,
  SearchWalk1766200000000,
];
