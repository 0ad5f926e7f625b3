import { Clock, SystemClock } from '@relais/platform';
import { FieldCipher, PersonVault } from '@relais/privacy';
import { defineService } from '@relais/service-kit';
import { ActionLinksController } from './action-links/action-links.controller';
import { ActionLinks } from './action-links/action-links.service';
import { AssessmentCopies } from './assessments/assessment-copies';
import { AuditController } from './audit/audit.controller';
import { AuditLog } from './audit/audit-log';
import { readConfig, type ReferralConfig } from './config';
import { ConsentController } from './consent/consent.controller';
import { ConsentService } from './consent/consent.service';
import { database } from './database';
import { DirectoryReadModel } from './directory-read-model/directory-read-model';
import { Idempotency } from './idempotency/idempotency';
import { IdempotencyPurge } from './idempotency/idempotency-purge';
import { JourneysController } from './journeys/journeys.controller';
import { JourneysService } from './journeys/journeys.service';
import { ErasureService } from './persons/erasure.service';
import { PersonRegistry } from './persons/person-registry';
import { PersonsController } from './persons/persons.controller';
import { NoticeContactController } from './person-notices/notice-contact.controller';
import { NoticeContacts } from './person-notices/notice-contact.service';
import { ReasonCodesController } from './referrals/reason-codes.controller';
import { ReferralController } from './referrals/referral.controller';
import { ReferralMover } from './referral-model/referral-mover';
import { ReferralCreation } from './referrals/referral-creation';
import { ReferralMoves } from './referrals/referral-moves';
import { ReferralReads } from './referrals/referral-reads';
import { REFERRAL_CONFIG } from './shared/tokens';
import { ReferralTimers } from './sla/referral-timers';
import { SlaPolicy } from './sla/sla-policy';
import { SlaMetrics } from './sla/sla-metrics';
import { SlaSweeper } from './sla/sla-sweeper';

export interface ReferralModuleOptions {
  /** The clock deadlines are measured by; tests pass a ManualClock to move time. */
  clock?: Clock;
}

export const referral = defineService<ReferralConfig, ReferralModuleOptions>({
  service: {
    name: 'referral',
    title: 'Relais — orientation',
    description: "Orientations entre structures, leur cycle de vie, les parcours, le consentement, les délais et l'audit des accès aux données personnelles.",
  },
  readConfig,
  database: (config) => database(config.DATABASE_URL),
  features: (config, options) => ({
    controllers: [ReferralController, ReasonCodesController, ConsentController, JourneysController, PersonsController, AuditController, ActionLinksController, NoticeContactController],
    providers: [
      { provide: REFERRAL_CONFIG, useValue: config },
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
      { provide: FieldCipher, useFactory: () => new FieldCipher(config.REFERRAL_MASTER_KEYS) },
      AuditLog,
      PersonVault,
      PersonRegistry,
      AssessmentCopies,
      DirectoryReadModel,
      SlaPolicy,
      Idempotency,
      IdempotencyPurge,
      ReferralTimers,
      ReferralCreation,
      ReferralMoves,
      ReferralReads,
      // The SLA sweeper expires referrals through this port, so sla/ never imports referrals/.
      { provide: ReferralMover, useExisting: ReferralMoves },
      ConsentService,
      ErasureService,
      JourneysService,
      ActionLinks,
      NoticeContacts,
    ],
    workers: [SlaSweeper, SlaMetrics],
  }),
});

export const { service, AppModule } = referral;
