import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { Injectable } from '@nestjs/common';
import { callerKey, hasRole, type Principal } from '@relais/auth';
import { autonomyLevels, issuePersonRef, type EventPayload } from '@relais/contracts';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import {
  Clock,
  DomainError,
  type FieldError,
  idempotencyKeyInFlight,
  idempotencyKeyReused,
  NotFoundError,
  requestFingerprint,
  ValidationError,
} from '@relais/platform';
import { PersonVault } from '@relais/privacy';
import { CommuneDirectory } from '../communes/commune-directory';
import { QuestionnaireService } from '../questionnaires/questionnaire.service';
import { validateAnswers } from '../questionnaires/answers';
import { DirectoryReadModel } from '../directory/directory-read-model';
import { recommendServices } from '../recommendation/recommend';
import { rankingWeights } from '../recommendation/ranking-weights';
import { assess } from '../rules/engine';
import { RuleCatalog } from '../rules/rule-catalog';
import { PersonLinks } from '../persons/person-links';
import type { AssessmentView } from './assessment.view';
import type { CreateAssessmentDto } from './dto/create-assessment.dto';
import { assessmentView, openAssessment, sealAssessment, type AssessmentRow, type StoredResult } from './sealed-assessment';

export interface CreatedAssessment {
  view: AssessmentView;
  replayed: boolean;
  /** Milliseconds per phase (validate, store, rules, search, rank, commit), sent as Server-Timing. */
  timings: Record<string, number>;
}

/** The day in the département (Europe/Paris), as an ISO date: deadlines are counted in local days. */
export function parisDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

@Injectable()
export class AssessmentService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly questionnaires: QuestionnaireService,
    private readonly rules: RuleCatalog,
    private readonly communes: CommuneDirectory,
    private readonly directory: DirectoryReadModel,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    private readonly links: PersonLinks,
    private readonly vault: PersonVault,
  ) {}

  /**
   * Runs an assessment: answers checked against their questionnaire version (every problem listed),
   * consent recorded first, then the rules, the ranking over the directory read model, the assessment
   * (answers and result sealed under the person's key) and its event, all in one transaction. Replaying
   * an Idempotency-Key (the caller's own: per user and structure, or per client) returns the first result.
   *
   * Without `personRef`, the person is new to Relais and gets a reference issued here; with one, the
   * caller's structure must be linked to that person (404 otherwise, after waiting briefly for the link).
   */
  async create(principal: Principal, dto: CreateAssessmentDto, idempotencyKey: string | undefined): Promise<CreatedAssessment> {
    const started = performance.now();
    const structureId = principal.structureId;
    if (structureId === null) throw new DomainError('forbidden', 'Un diagnostic est fait au nom d’une structure : ce compte n’est rattaché à aucune.');
    // Outside the transaction: waiting for a link must not hold a connection nor a snapshot.
    if (dto.personRef !== undefined) await this.links.requireLink(dto.personRef, structureId);
    try {
      const created = await this.createInTransaction(principal, dto, idempotencyKey);
      this.questionnaires.markRecorded(created.view.questionnaireVersion);
      // What the transaction's work did not account for is mostly its commit (WAL flush).
      const inside = Object.values(created.timings).reduce((sum, ms) => sum + ms, 0);
      created.timings['commit'] = performance.now() - started - inside;
      return created;
    } catch (error) {
      // Two requests with one key at the same instant: the second one's insert hits the unique key.
      if (error instanceof QueryFailedError && (error.driverError as { constraint?: string }).constraint === 'assessment_idempotency') {
        throw idempotencyKeyInFlight();
      }
      throw error;
    }
  }

  @Transactional()
  private async createInTransaction(principal: Principal, dto: CreateAssessmentDto, idempotencyKey: string | undefined): Promise<CreatedAssessment> {
    const timings: Record<string, number> = {};
    let mark = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      timings[phase] = (timings[phase] ?? 0) + now - mark;
      mark = now;
    };
    const structureId = principal.structureId;
    if (structureId === null) throw new DomainError('forbidden', 'Un diagnostic est fait au nom d’une structure : ce compte n’est rattaché à aucune.');

    const owner = callerKey(principal);
    const requestHash = idempotencyKey === undefined ? null : requestFingerprint(dto);
    if (idempotencyKey !== undefined) {
      const previous = await this.byIdempotencyKey(owner, idempotencyKey);
      if (previous) {
        if (previous.request_hash !== requestHash) {
          throw idempotencyKeyReused('un nouveau diagnostic');
        }
        return { view: assessmentView(await openAssessment(this.vault, previous), 'full'), replayed: true, timings };
      }
    }
    // Checked again in the transaction: an erasure may have removed the link since the wait.
    if (dto.personRef !== undefined && !(await this.links.isLinked(dto.personRef, structureId))) throw new NotFoundError('Personne');
    const personRef = dto.personRef ?? issuePersonRef();

    const version = dto.questionnaireVersion ?? this.questionnaires.current().version;
    const questionnaire = this.questionnaires.catalog.find(version);
    const ruleSet = questionnaire ? this.rules.forQuestionnaire(version) : undefined;
    const errors: FieldError[] = [];
    if (!questionnaire || !ruleSet) {
      errors.push({ field: 'questionnaireVersion', message: `version inconnue ; versions possibles : ${this.questionnaires.catalog.versions().join(', ')}` });
    }
    const commune = this.communes.get(dto.communeCode);
    if (!commune) errors.push({ field: 'communeCode', message: `aucune commune n’a le code INSEE « ${dto.communeCode} »` });
    const validated = questionnaire ? validateAnswers(questionnaire, dto.answers) : null;
    if (validated) errors.push(...validated.errors);
    if (errors.length > 0 || !validated?.answers || !ruleSet) {
      throw new ValidationError(errors, 'Le diagnostic est incomplet ou contient des réponses invalides : rien n’a été enregistré.');
    }

    lap('validate');
    const assessmentId = randomUUID();
    const completedAt = this.clock.now();
    const tx = this.txHost.tx;
    const questionnaireHash = await this.questionnaires.recordUse(version);

    lap('store');
    const profile = assess(ruleSet, validated.answers, parisDate(completedAt));
    lap('rules');
    const network = await this.directory.networkOfCommune(dto.communeCode);
    const rows = await this.directory.candidates({
      roles: profile.recommendedRoles.slice(0, rankingWeights.maxRoles).map((r) => r.role),
      origin: commune ?? null,
      networkId: network?.networkId ?? null,
      today: parisDate(completedAt),
      limit: 100,
    });
    lap('search');
    const candidates = recommendServices(profile, commune, network?.networkId ?? null, rows, completedAt);
    lap('rank');

    const result: StoredResult = {
      structureId,
      communeCode: dto.communeCode,
      communeName: commune?.name ?? null,
      networkId: network?.networkId ?? null,
      questionnaireVersion: version,
      questionnaireHash,
      rulesVersion: ruleSet.version,
      completedAt: completedAt.toISOString(),
      autonomy: {
        level: profile.level,
        label: profile.levelLabel,
        scale: [...autonomyLevels],
        coopAutonomy: profile.coopAutonomy,
        score: profile.score,
        domains: profile.domains,
        explanation: profile.levelExplanation,
      },
      barriers: profile.barriers,
      procedures: profile.procedures,
      urgentProcedures: profile.procedures.filter((p) => p.urgent),
      recommendedRoles: profile.recommendedRoles,
      candidates,
    };
    await this.links.link(personRef, structureId, 'assessment', completedAt);
    const sealed = sealAssessment(await this.vault.keyFor(personRef), assessmentId, validated.answers, result);
    // The consent row is written first and the assessment row is made from it, in one statement: no
    // assessment can exist without the person's recorded agreement.
    await tx.query(
      `WITH consent AS (
         INSERT INTO assessment_consent (assessment_id, method, given_at, structure_id, recorded_by_subject)
         VALUES ($1, $17, $14, $3, $6)
         RETURNING assessment_id
       )
       INSERT INTO assessment (assessment_id, person_ref, structure_id, network_id, commune_code, recorded_by_subject, recorded_by_role,
         questionnaire_version, rules_version, answers_sealed, level, score, result_sealed, completed_at, idempotency_key, request_hash, idempotency_owner)
       SELECT consent.assessment_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $18 FROM consent`,
      [
        assessmentId,
        personRef,
        structureId,
        result.networkId,
        dto.communeCode,
        principal.subject,
        actorRole(principal),
        version,
        ruleSet.version,
        sealed.answers,
        profile.level,
        profile.score,
        sealed.result,
        completedAt,
        idempotencyKey ?? null,
        requestHash,
        dto.consent.method,
        idempotencyKey === undefined ? null : owner,
      ],
    );
    const payload: EventPayload<'fr.relais.diagnostic.assessment.completed.v1'> = {
      assessmentId,
      personRef,
      questionnaireVersion: version,
      level: profile.level,
      coopAutonomy: profile.coopAutonomy,
      rulesVersion: ruleSet.version,
      barriers: profile.barriers.map((b) => b.barrier),
      urgentProcedures: result.urgentProcedures.map((p) => ({ procedure: p.procedure, deadline: p.deadline })),
      recommendedRoles: profile.recommendedRoles.map((r) => r.role),
      communeCode: dto.communeCode,
      networkId: result.networkId,
      by: { role: actorRole(principal), structureId, subject: principal.subject },
      completedAt: result.completedAt,
    };
    await this.events.publish('fr.relais.diagnostic.assessment.completed.v1', payload, { time: completedAt });
    lap('store');
    return { view: { assessmentId, personRef, pseudonymized: false, ...result, answers: validated.answers }, replayed: false, timings };
  }

  private async byIdempotencyKey(owner: string, key: string): Promise<AssessmentRow | undefined> {
    const rows = await this.txHost.tx.query<AssessmentRow[]>(`SELECT * FROM assessment WHERE idempotency_owner = $1 AND idempotency_key = $2`, [owner, key]);
    return rows[0];
  }
}

function actorRole(principal: Principal): 'agent' | 'integration' {
  return hasRole(principal, 'agent') ? 'agent' : 'integration';
}
