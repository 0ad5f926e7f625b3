import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@relais/auth';
import { kafkaSettings, KafkaReadiness, MessagingModule } from '@relais/messaging';
import { PersistenceModule, PostgresReadiness } from '@relais/persistence';
import { Clock, PlatformModule, type ServiceDescription, SystemClock } from '@relais/platform';
import { FieldCipher, PersonVault } from '@relais/privacy';
import { ReferralConsentHandlers } from './access/referral-consent.handlers';
import { AssessmentReads } from './assessments/assessment-reads';
import { AssessmentController } from './assessments/assessment.controller';
import { AssessmentService } from './assessments/assessment.service';
import { AuditController } from './audit/audit.controller';
import { AuditLog } from './audit/audit-log';
import { CommuneDirectory } from './communes/commune-directory';
import { frenchCommunes } from './communes/french-communes';
import type { DiagnosticConfig } from './config';
import { database } from './database';
import { DirectoryReadModel } from './directory/directory-read-model';
import { PersonErasure } from './persons/person-erasure';
import { LINK_WAIT_MS, PersonLinks } from './persons/person-links';
import { QuestionnaireCatalog } from './questionnaires/questionnaire-catalog';
import { QuestionnaireController } from './questionnaires/questionnaire.controller';
import { QuestionnaireService } from './questionnaires/questionnaire.service';
import { RuleCatalog } from './rules/rule-catalog';

export const service: ServiceDescription = {
  name: 'diagnostic',
  title: 'Relais — diagnostic',
  description: "Mesure de l'autonomie numérique d'une personne, freins, démarches urgentes et recommandation des rôles et services adaptés.",
};

@Module({})
export class AppModule {
  static forRoot(config: DiagnosticConfig): DynamicModule {
    const cipher = new FieldCipher(config.DIAGNOSTIC_MASTER_KEYS);
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: service.name,
          logLevel: config.LOG_LEVEL,
          readiness: [PostgresReadiness, KafkaReadiness],
        }),
        PersistenceModule.forRoot(database(config.DATABASE_URL, cipher)),
        MessagingModule.forRoot({ service: service.name, ...kafkaSettings(config) }),
        AuthModule.fromConfig(config),
      ],
      controllers: [QuestionnaireController, AssessmentController, AuditController],
      providers: [
        { provide: Clock, useClass: SystemClock },
        { provide: FieldCipher, useValue: cipher },
        PersonVault,
        AuditLog,
        { provide: LINK_WAIT_MS, useValue: config.DIAGNOSTIC_LINK_WAIT_MS },
        PersonLinks,
        // Questionnaires and rules are data checked once at start: a malformed version stops the service.
        { provide: QuestionnaireCatalog, useFactory: () => new QuestionnaireCatalog() },
        { provide: RuleCatalog, useFactory: (questionnaires: QuestionnaireCatalog) => new RuleCatalog(questionnaires), inject: [QuestionnaireCatalog] },
        { provide: CommuneDirectory, useFactory: () => new CommuneDirectory(frenchCommunes()) },
        QuestionnaireService,
        DirectoryReadModel,
        AssessmentService,
        AssessmentReads,
        ReferralConsentHandlers,
        PersonErasure,
      ],
    };
  }
}
