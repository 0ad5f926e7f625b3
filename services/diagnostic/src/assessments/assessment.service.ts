import { createHash, randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { Injectable } from '@nestjs/common';
import { hasRole, type Principal } from '@relais/auth';
import { autonomyLevels, type EventPayload } from '@relais/contracts';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DomainError, NotFoundError, ValidationError, type FieldError } from '@relais/platform';
import { readAccess, type ReadAccess } from '../access/assessment-access';
import { CommuneDirectory } from '../communes/commune-directory';
import { canonicalJson } from '../questionnaires/questionnaire-catalog';
import { QuestionnaireService } from '../questionnaires/questionnaire.service';
import { validateAnswers } from '../questionnaires/answers';
import { DirectoryReadModel } from '../directory/directory-read-model';
import { recommendServices } from '../recommendation/recommend';
import { rankingWeights } from '../recommendation/ranking-weights';
import { assess } from '../rules/engine';
import { RuleCatalog } from '../rules/rule-catalog';
import { Clock } from '../clock';
import type { AssessmentView, HistoryEntryView, PersonHistoryView } from './assessment.view';
import type { CreateAssessmentDto } from './dto/create-assessment.dto';
import { progression } from './progression';

/** What is stored as the result: everything the agent saw, except the person and the answers (own columns). */
type StoredResult = Omit<AssessmentView, 'assessmentId' | 'personRef' | 'pseudonymized' | 'answers'>;

interface AssessmentRow {
  assessment_id: string;
  person_ref: string;
  structure_id: string;
  network_id: string | null;
  answers: Record<string, unknown>;
  result: StoredResult;
  request_hash: string | null;
  completed_at: Date;
}

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
  ) {}

  /**
   * Runs an assessment: answers checked against their questionnaire version (every problem listed),
   * consent recorded first, then the rules, the ranking over the directory read model, the assessment
   * and its event, all in one transaction. Replaying an Idempotency-Key returns the first result.
   */
  async create(principal: Principal, dto: CreateAssessmentDto, idempotencyKey: string | undefined): Promise<CreatedAssessment> {
    const started = performance.now();
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
        throw new DomainError('conflict', 'Une requête avec la même Idempotency-Key est en cours : réessayez dans un instant.');
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

    const requestHash = idempotencyKey === undefined ? null : createHash('sha256').update(canonicalJson(dto)).digest('hex');
    if (idempotencyKey !== undefined) {
      const previous = await this.byIdempotencyKey(structureId, idempotencyKey);
      if (previous) {
        if (previous.request_hash !== requestHash) {
          throw new DomainError('idempotency-key-reused', 'Cette clé d’idempotence a déjà servi pour un autre diagnostic.');
        }
        return { view: this.toView(previous, 'full'), replayed: true, timings };
      }
    }

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
    // The consent row is written first and the assessment row is made from it, in one statement: no
    // assessment can exist without the person's recorded agreement.
    await tx.query(
      `WITH consent AS (
         INSERT INTO assessment_consent (assessment_id, method, given_at, structure_id, recorded_by_subject)
         VALUES ($1, $17, $14, $3, $6)
         RETURNING assessment_id
       )
       INSERT INTO assessment (assessment_id, person_ref, structure_id, network_id, commune_code, recorded_by_subject, recorded_by_role,
         questionnaire_version, rules_version, answers, level, score, result, completed_at, idempotency_key, request_hash)
       SELECT consent.assessment_id, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13::jsonb, $14, $15, $16 FROM consent`,
      [
        assessmentId,
        dto.personRef,
        structureId,
        result.networkId,
        dto.communeCode,
        principal.subject,
        actorRole(principal),
        version,
        ruleSet.version,
        JSON.stringify(validated.answers),
        profile.level,
        profile.score,
        JSON.stringify(result),
        completedAt,
        idempotencyKey ?? null,
        requestHash,
        dto.consent.method,
      ],
    );
    const payload: EventPayload<'fr.relais.diagnostic.assessment.completed.v1'> = {
      assessmentId,
      personRef: dto.personRef,
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
    return { view: { assessmentId, personRef: dto.personRef, pseudonymized: false, ...result, answers: validated.answers }, replayed: false, timings };
  }

  /** One assessment, as the caller may read it; 404 when the caller may not read it at all. */
  @Transactional()
  async get(principal: Principal, assessmentId: string): Promise<AssessmentView> {
    const rows = await this.txHost.tx.query<AssessmentRow[]>(`SELECT * FROM assessment WHERE assessment_id = $1`, [assessmentId]);
    const row = rows[0];
    const access = row ? await this.accessTo(principal, row) : null;
    if (!row || !access) throw new NotFoundError('Ce diagnostic');
    return this.toView(row, access);
  }

  /** A person's assessments the caller may read, oldest first, with the progression between them. */
  @Transactional()
  async history(principal: Principal, personRef: string): Promise<PersonHistoryView> {
    const rows = await this.txHost.tx.query<AssessmentRow[]>(`SELECT * FROM assessment WHERE person_ref = $1 ORDER BY completed_at, assessment_id`, [personRef]);
    const readable: AssessmentRow[] = [];
    for (const row of rows) if (await this.accessTo(principal, row)) readable.push(row);
    if (readable.length === 0) throw new NotFoundError('Aucun diagnostic lisible pour cette personne ; son historique');
    const assessments: HistoryEntryView[] = readable.map((row) => ({
      assessmentId: row.assessment_id,
      completedAt: row.result.completedAt,
      structureId: row.structure_id,
      level: row.result.autonomy.level,
      score: row.result.autonomy.score,
      domains: row.result.autonomy.domains,
      barriers: row.result.barriers.map((b) => b.barrier),
      recommendedRoles: row.result.recommendedRoles.map((r) => r.role),
      questionnaireVersion: row.result.questionnaireVersion,
    }));
    return { personRef, assessments, progression: progression(assessments) };
  }

  private async accessTo(principal: Principal, row: AssessmentRow): Promise<ReadAccess> {
    let granted: string[] = [];
    if (principal.structureId !== null && principal.structureId !== row.structure_id) {
      const grants = await this.txHost.tx.query<Array<{ structure_id: string }>>(
        `SELECT structure_id FROM assessment_grant
          WHERE assessment_id = $1 AND structure_id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)`,
        [row.assessment_id, principal.structureId, this.clock.now()],
      );
      granted = grants.map((g) => g.structure_id);
    }
    return readAccess(principal, { structureId: row.structure_id, networkId: row.network_id, grantedStructureIds: granted });
  }

  private async byIdempotencyKey(structureId: string, key: string): Promise<AssessmentRow | undefined> {
    const rows = await this.txHost.tx.query<AssessmentRow[]>(`SELECT * FROM assessment WHERE structure_id = $1 AND idempotency_key = $2`, [structureId, key]);
    return rows[0];
  }

  private toView(row: AssessmentRow, access: 'full' | 'pseudonymized'): AssessmentView {
    const base = { assessmentId: row.assessment_id, ...row.result };
    return access === 'full'
      ? { ...base, personRef: row.person_ref, pseudonymized: false, answers: row.answers }
      : { ...base, personRef: null, pseudonymized: true };
  }
}

function actorRole(principal: Principal): 'agent' | 'integration' {
  return hasRole(principal, 'agent') ? 'agent' : 'integration';
}
