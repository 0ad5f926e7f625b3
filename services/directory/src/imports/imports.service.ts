import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DomainError, fieldErrors } from '@relais/platform';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateLieuInput } from '../lieux/lieu.dto';
import { Lieu } from '../lieux/lieu.entity';
import { LieuxService } from '../lieux/lieux.service';
import { Network } from '../networks/network.entity';
import { CreateServiceInput } from '../offers/offer.dto';
import { Offer } from '../offers/offer.entity';
import { OffersService } from '../offers/offers.service';
import { importScopeOf, mayUpdateIn, networksOutside, type ImportScope } from '../shared/access';
import { importAttribution } from '../shared/attribution';
import { CreateStructureInput } from '../structures/structure.dto';
import { Structure } from '../structures/structure.entity';
import { StructuresService } from '../structures/structures.service';
import { planDataInclusion } from './formats/data-inclusion';
import { planLieuxMediationNumerique } from './formats/lieux-mediation-numerique';
import { MalformedFileError, type ImportFormat, type ImportReport, type PlannedRow, type RowOutcome, type RowReport } from './import-plan';

export interface ImportOptions {
  format: ImportFormat;
  /** CSV or JSON (JSON covers NDJSON); guessed from the content when not given. */
  encoding?: 'csv' | 'json';
  /** Network for structures whose commune no réseau local covers (else they are rejected). */
  networkId?: string;
  /** Check and report without writing anything. */
  dryRun?: boolean;
  /**
   * Who imports: the caller's token, or `cli` (the operator). It decides, row by row, which networks the
   * rows may write into, and is recorded as `last verified by` under the format (`import:<format>:<actor>`).
   */
  importer: Principal | 'cli';
}

/** What every row of one import shares: who writes, where it may, and the networks by id. */
interface ImportRun {
  options: ImportOptions;
  by: string;
  scope: ImportScope;
  networks: Network[];
}

/** Thrown inside a row's transaction to undo it (a rejected row, or any row of a dry run). */
class RowRollback extends Error {
  constructor(readonly outcome: RowOutcome, readonly reasons: string[] = []) {
    super(outcome);
  }
}

/**
 * Imports a source file row by row. Each row (a structure with its lieu and services, or one service)
 * is written in its own transaction through the same services as the API: a row that breaks any rule
 * is rolled back whole and reported with its reasons, the others go through. Records are matched by
 * (source, source id), so importing the same file again changes nothing and publishes nothing.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly structures: StructuresService,
    private readonly lieux: LieuxService,
    private readonly offers: OffersService,
  ) {}

  plan(content: string, options: Pick<ImportOptions, 'format' | 'encoding'>): PlannedRow[] {
    try {
      switch (options.format) {
        case 'data-inclusion':
          return planDataInclusion(content, options.encoding);
        case 'lieux-mediation-numerique':
          return planLieuxMediationNumerique(content, options.encoding ?? (content.trimStart().startsWith('[') ? 'json' : 'csv'));
      }
    } catch (error) {
      if (error instanceof MalformedFileError) {
        throw new DomainError('unprocessable', `Fichier refusé en entier : ${error.message}. Aucune ligne n'a été importée.`, {
          errors: [{ field: 'file', message: error.message }],
        });
      }
      throw error;
    }
  }

  async import(content: string, options: ImportOptions, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
    const rows = this.plan(content, options);
    const networks = await this.txHost.tx.getRepository(Network).find({ where: { deleted: false } });
    if (options.networkId && !networks.some((n) => n.id === options.networkId)) {
      throw new DomainError('validation-error', `Réseau local ${options.networkId} inconnu.`, { errors: [{ field: 'network', message: 'réseau local inconnu' }] });
    }
    const scope = importScopeOf(options.importer);
    const outside = options.networkId ? networksOutside(scope, [options.networkId]) : [];
    if (outside.length > 0) {
      throw new DomainError('forbidden', `Vous ne coordonnez pas le réseau local ${describeNetworks(outside, networks)} : impossible d'y rattacher des structures.`);
    }
    const run: ImportRun = { options, by: importAttribution(options.format, options.importer), scope, networks };
    const reports: RowReport[] = [];
    for (const [index, row] of rows.entries()) {
      reports.push(await this.importRow(row, run));
      onProgress?.(index + 1, rows.length);
    }
    const summary = { total: reports.length, created: 0, updated: 0, unchanged: 0, rejected: 0, withNotes: 0 };
    for (const report of reports) {
      summary[report.outcome] += 1;
      if (report.outcome !== 'rejected' && report.notes?.length) summary.withNotes += 1;
    }
    return { format: options.format, source: options.format, dryRun: options.dryRun ?? false, summary, rows: reports };
  }

  private async importRow(row: PlannedRow, run: ImportRun): Promise<RowReport> {
    const report = (outcome: RowOutcome, reasons?: string[]): RowReport => ({
      row: row.row,
      kind: row.kind,
      sourceId: row.sourceId,
      label: row.label,
      outcome,
      ...(reasons?.length ? { reasons } : {}),
      ...(row.notes?.length ? { notes: row.notes } : {}),
    });
    if (row.problems.length > 0) return report('rejected', row.problems);
    try {
      const outcome = await this.txHost.withTransaction(async () => {
        const result = row.kind === 'structure' ? await this.writeStructureRow(row, run) : await this.writeServiceRow(row, run);
        if (run.options.dryRun) throw new RowRollback(result);
        return result;
      });
      return report(outcome);
    } catch (error) {
      if (error instanceof RowRollback) return report(error.outcome, error.reasons);
      if (error instanceof DomainError) {
        const errors = (error.extensions['errors'] as Array<{ field: string; message: string }> | undefined) ?? [];
        return report('rejected', errors.length ? errors.map((e) => `${e.field} : ${e.message}`) : [error.detail]);
      }
      throw error;
    }
  }

  private async writeStructureRow(row: PlannedRow, run: ImportRun): Promise<RowOutcome> {
    const { options, by, networks } = run;
    const source = { source: options.format, sourceId: row.sourceId };
    const communeCode = row.structure?.communeCode ?? undefined;
    const existing = await this.txHost.tx.getRepository(Structure).findOne({ where: { source: options.format, sourceId: row.sourceId } });
    if (existing) this.mayUpdate(run, existing.networkIds, `la structure existante ${row.sourceId}`);
    const covering = communeCode ? networks.filter((n) => n.communeCodes.includes(communeCode)).map((n) => n.id) : [];
    const networkIds = row.structure?.networkIds?.length ? row.structure.networkIds : covering.length ? covering : options.networkId ? [options.networkId] : (existing?.networkIds ?? []);
    if (networkIds.length === 0) {
      throw new RowRollback('rejected', [`commune ${communeCode ?? '?'} couverte par aucun réseau local de ce département (indiquez un réseau pour l'import)`]);
    }
    this.mayWriteInto(run, networkIds, 'la structure');
    // The lieu and services are matched by their own source ids: one may belong to another structure today.
    const existingLieu = row.lieu ? await this.txHost.tx.getRepository(Lieu).findOne({ where: { source: options.format, sourceId: row.sourceId } }) : null;
    if (existingLieu && existingLieu.structureId !== existing?.id) await this.mayUpdateStructureOf(run, existingLieu.structureId, `le lieu existant ${row.sourceId}`);
    for (const service of row.services) await this.mayUpdateService(run, service.sourceId, existing?.id);

    const structureInput = await this.validated(CreateStructureInput, { ...row.structure, networkIds }, 'structure');
    const structure = await this.structures.upsert(structureInput, by, source, row.verifiedAt);
    let changed = structure.changed === true;
    let lieuId: string | undefined;
    if (row.lieu) {
      const lieuInput = await this.validated(CreateLieuInput, { ...row.lieu, structureId: structure.id }, 'lieu');
      const lieu = await this.lieux.upsert(lieuInput, by, source, row.verifiedAt);
      changed ||= lieu.changed === true;
      lieuId = lieu.id;
    }
    for (const service of row.services) {
      const input = await this.validated(
        CreateServiceInput,
        { ...service.input, structureId: structure.id, lieuIds: service.atStructureLieu && lieuId ? [lieuId] : [] },
        'service',
      );
      const saved = await this.offers.upsert(input, by, { source: options.format, sourceId: service.sourceId }, row.verifiedAt);
      changed ||= saved.changed === true;
    }
    return existing ? (changed ? 'updated' : 'unchanged') : 'created';
  }

  private async writeServiceRow(row: PlannedRow, run: ImportRun): Promise<RowOutcome> {
    const { options, by } = run;
    const structure = await this.txHost.tx.getRepository(Structure).findOne({ where: { source: options.format, sourceId: row.structureSourceId ?? '', deleted: false } });
    if (!structure) throw new RowRollback('rejected', [`structure ${row.structureSourceId ?? '?'} non importée (rejetée ou absente)`]);
    // The service joins its structure's networks: the importer must be allowed in every one of them.
    this.mayWriteInto(run, structure.networkIds, `le service (structure ${row.structureSourceId ?? '?'})`);
    for (const service of row.services) await this.mayUpdateService(run, service.sourceId, structure.id);
    let lieu: { id: string } | null = await this.txHost.tx.getRepository(Lieu).findOne({ where: { source: options.format, sourceId: row.structureSourceId ?? '', deleted: false } });
    let changed = false;
    if (row.lieu) {
      // The service's own lieu (its own address), kept under its structure and matched by the service's source id.
      const existingLieu = await this.txHost.tx.getRepository(Lieu).findOne({ where: { source: options.format, sourceId: row.sourceId } });
      if (existingLieu && existingLieu.structureId !== structure.id) await this.mayUpdateStructureOf(run, existingLieu.structureId, `le lieu existant ${row.sourceId}`);
      const lieuInput = await this.validated(CreateLieuInput, { ...row.lieu, structureId: structure.id }, 'lieu');
      const saved = await this.lieux.upsert(lieuInput, by, { source: options.format, sourceId: row.sourceId }, row.verifiedAt);
      changed = saved.changed === true;
      lieu = saved;
    }
    let outcome: RowOutcome = 'unchanged';
    for (const service of row.services) {
      const existed = await this.offers.existsBySource(options.format, service.sourceId);
      const lieuIds = (service.atStructureLieu || row.lieu) && lieu ? [lieu.id] : [];
      const input = await this.validated(CreateServiceInput, { ...service.input, structureId: structure.id, lieuIds }, 'service');
      const saved = await this.offers.upsert(input, by, { source: options.format, sourceId: service.sourceId }, row.verifiedAt);
      outcome = !existed ? 'created' : saved.changed || changed ? 'updated' : outcome;
    }
    return outcome;
  }

  /** A record may only land in networks the importer may write into: the row is refused otherwise. */
  private mayWriteInto(run: ImportRun, networkIds: readonly string[], what: string): void {
    const outside = networksOutside(run.scope, networkIds);
    if (outside.length > 0) {
      throw new RowRollback('rejected', [`${what} relèverait du réseau local ${describeNetworks(outside, run.networks)}, que vous ne coordonnez pas`]);
    }
  }

  /** An existing record is only changed by an importer who may manage it, as through the API. */
  private mayUpdate(run: ImportRun, networkIds: readonly string[], what: string): void {
    if (!mayUpdateIn(run.scope, networkIds)) {
      throw new RowRollback('rejected', [
        networkIds.length > 0
          ? `${what} relève du réseau local ${describeNetworks(networkIds, run.networks)}, que vous ne coordonnez pas`
          : `${what} ne relève d'aucun réseau local : seul un administrateur peut y toucher`,
      ]);
    }
  }

  private async mayUpdateStructureOf(run: ImportRun, structureId: string, what: string): Promise<void> {
    if (run.scope.kind === 'any') return;
    const owner = await this.txHost.tx.getRepository(Structure).findOne({ select: { id: true, networkIds: true }, where: { id: structureId } });
    this.mayUpdate(run, owner?.networkIds ?? [], `${what} (structure ${structureId})`);
  }

  /** A service of the file that already exists under another structure would be moved: its structure must be the importer's to change. */
  private async mayUpdateService(run: ImportRun, sourceId: string, structureId: string | undefined): Promise<void> {
    if (run.scope.kind === 'any') return;
    const existing = await this.txHost.tx.getRepository(Offer).findOne({ select: { id: true, structureId: true }, where: { source: run.options.format, sourceId } });
    if (existing && existing.structureId !== structureId) await this.mayUpdateStructureOf(run, existing.structureId, `le service existant ${sourceId}`);
  }

  /** The same DTO rules as the API, every problem listed with the record it belongs to. */
  private async validated<T extends object>(type: new () => T, plain: object, what: string): Promise<T> {
    const instance = plainToInstance(type, plain);
    const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new RowRollback('rejected', fieldErrors(errors, what).map((e) => `${e.field} : ${e.message}`));
    return instance;
  }
}

/** Networks by name for a person reading the report (the id when the directory does not know it). */
function describeNetworks(ids: readonly string[], networks: readonly Network[]): string {
  const named = ids.map((id) => {
    const network = networks.find((n) => n.id === id);
    return network ? `« ${network.name} » (${id})` : id;
  });
  return named.join(', ');
}
