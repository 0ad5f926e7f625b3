import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NotFoundError } from '@relais/platform';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { QuestionnaireCatalog } from './questionnaire-catalog';
import type { Questionnaire } from './questionnaire.types';

export class QuestionnaireChangedAfterUseError extends Error {
  constructor(version: string) {
    super(
      `questionnaire version ${version} differs from the one stored at its first use: a used version is frozen, ` +
        `put the change in a new version folder (past assessments must keep reading against what was asked)`,
    );
    this.name = 'QuestionnaireChangedAfterUseError';
  }
}

/**
 * Serves questionnaire versions and freezes them: the first assessment on a version stores its content
 * and hash; at every start the files are compared with what was stored, and a used version whose file
 * changed stops the service rather than silently change how past assessments read.
 */
@Injectable()
export class QuestionnaireService implements OnModuleInit {
  constructor(
    readonly catalog: QuestionnaireCatalog,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /** Versions known to be stored (committed): their first-use record needs no further write. */
  private readonly recorded = new Set<string>();

  async onModuleInit(): Promise<void> {
    const stored = await this.txHost.tx.query<Array<{ version: string; content_hash: string }>>(`SELECT version, content_hash FROM questionnaire_version`);
    for (const row of stored) {
      if (this.catalog.find(row.version) && this.catalog.hash(row.version) !== row.content_hash) throw new QuestionnaireChangedAfterUseError(row.version);
      this.recorded.add(row.version);
    }
  }

  /** Called once an assessment's transaction has committed: its version's record exists for good. */
  markRecorded(version: string): void {
    this.recorded.add(version);
  }

  current(): Questionnaire {
    return this.catalog.current;
  }

  /** A version from the files, or as stored at its first use when its file is gone. */
  async find(version: string): Promise<Questionnaire> {
    const known = this.catalog.find(version);
    if (known) return known;
    const rows = await this.txHost.tx.query<Array<{ content: Questionnaire }>>(`SELECT content FROM questionnaire_version WHERE version = $1`, [version]);
    const stored = rows[0]?.content;
    if (!stored) throw new NotFoundError(`La version « ${version} » du questionnaire`);
    return stored;
  }

  /** Records the version's content at its first use (inside the assessment's transaction). */
  async recordUse(version: string): Promise<string> {
    const questionnaire = this.catalog.find(version);
    if (!questionnaire) throw new NotFoundError(`La version « ${version} » du questionnaire`);
    const hash = this.catalog.hash(version);
    if (this.recorded.has(version)) return hash;
    await this.txHost.tx.query(
      `INSERT INTO questionnaire_version (version, content_hash, content) VALUES ($1, $2, $3::jsonb) ON CONFLICT (version) DO NOTHING`,
      [version, hash, JSON.stringify(questionnaire)],
    );
    return hash;
  }
}
