import { Clock, SystemClock } from '@relais/platform';
import { FieldCipher, PersonVault } from '@relais/privacy';
import { defineService } from '@relais/service-kit';
import { ReferralConsentHandlers } from './access/referral-consent.handlers';
import { AssessmentReads } from './assessments/assessment-reads';
import { AssessmentController } from './assessments/assessment.controller';
import { AssessmentService } from './assessments/assessment.service';
import { AuditController } from './audit/audit.controller';
import { AuditLog } from './audit/audit-log';
import { CommuneDirectory } from './communes/commune-directory';
import { frenchCommunes } from './communes/french-communes';
import { readConfig, type DiagnosticConfig } from './config';
import { database } from './database';
import { DirectoryReadModel } from './directory/directory-read-model';
import { PersonErasure } from './persons/person-erasure';
import { LINK_WAIT_MS, PersonLinks } from './persons/person-links';
import { QuestionnaireCatalog } from './questionnaires/questionnaire-catalog';
import { QuestionnaireController } from './questionnaires/questionnaire.controller';
import { QuestionnaireService } from './questionnaires/questionnaire.service';
import { RuleCatalog } from './rules/rule-catalog';

/** One cipher per configuration: the database's column transformers and the providers share it. */
const ciphers = new WeakMap<DiagnosticConfig, FieldCipher>();
function cipherOf(config: DiagnosticConfig): FieldCipher {
  const cipher = ciphers.get(config) ?? new FieldCipher(config.DIAGNOSTIC_MASTER_KEYS);
  ciphers.set(config, cipher);
  return cipher;
}

export const diagnostic = defineService<DiagnosticConfig>({
  service: {
    name: 'diagnostic',
    title: 'Relais — diagnostic',
    description: "Mesure de l'autonomie numérique d'une personne, freins, démarches urgentes et recommandation des rôles et services adaptés.",
  },
  readConfig,
  database: (config) => database(config.DATABASE_URL, cipherOf(config)),
  features: (config) => ({
    controllers: [QuestionnaireController, AssessmentController, AuditController],
    providers: [
      { provide: Clock, useClass: SystemClock },
      { provide: FieldCipher, useValue: cipherOf(config) },
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
  }),
});

export const { service, AppModule } = diagnostic;
