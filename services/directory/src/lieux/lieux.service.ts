import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { callerKey, type Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { NotFoundError, ValidationError } from '@relais/platform';
import { findCommune } from '../communes/referentiel';
import { DIRECTORY_OPTIONS, type DirectoryOptions } from '../config';
import { canManageStructure, canOperateStructure, forbidden } from '../shared/access';
import { publicAttribution, showTo, type ShowAttribution } from '../shared/attribution';
import { freshnessOf } from '../shared/freshness';
import { stableJson, touch, type Verifier } from '../shared/record';
import { SnapshotPublisher } from '../snapshots/snapshot-publisher';
import { SearchIndex } from '../search/search-index';
import { Structure } from '../structures/structure.entity';
import type { SourceRef } from '../structures/structures.service';
import type { CreateLieuInput, LieuView, OpeningHoursInput, UpdateLieuInput } from './lieu.dto';
import { Lieu } from './lieu.entity';
import { canonicalOpeningHours, describeMinuteOfWeek, parseOpeningHours } from './opening-hours';
import { OpeningIntervals } from './opening-intervals';

@Injectable()
export class LieuxService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly snapshots: SnapshotPublisher,
    private readonly searchIndex: SearchIndex,
    private readonly intervals: OpeningIntervals,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
  ) {}

  async exists(id: string): Promise<boolean> {
    return this.repository.exists({ where: { id } });
  }

  private get repository() {
    return this.txHost.tx.getRepository(Lieu);
  }

  async find(id: string): Promise<Lieu> {
    const lieu = await this.repository.findOne({ where: { id, deleted: false } });
    if (!lieu) throw new NotFoundError('Lieu');
    return lieu;
  }

  async get(id: string): Promise<LieuView> {
    return this.view(await this.find(id));
  }

  private async structureOf(structureId: string, field = 'structureId'): Promise<Structure> {
    const structure = await this.txHost.tx.getRepository(Structure).findOne({ where: { id: structureId, deleted: false } });
    if (!structure) throw new ValidationError([{ field, message: `structure ${structureId} inconnue` }]);
    return structure;
  }

  async create(principal: Principal, input: CreateLieuInput): Promise<LieuView> {
    const structure = await this.structureOf(input.structureId);
    if (!canManageStructure(principal, structure.networkIds)) throw forbidden('Seuls un administrateur et les coordinateurs des réseaux de la structure lui ajoutent un lieu.');
    return this.view(await this.upsert(input, callerKey(principal)), showTo(principal, { structureId: structure.id, networkIds: structure.networkIds }));
  }

  @Transactional()
  async update(principal: Principal, id: string, input: UpdateLieuInput): Promise<LieuView> {
    const lieu = await this.find(id);
    const structure = await this.structureOf(lieu.structureId);
    if (!canManageStructure(principal, structure.networkIds)) throw forbidden('Seuls un administrateur et les coordinateurs des réseaux de la structure modifient ce lieu.');
    return this.view(await this.write(lieu, input, callerKey(principal), false), showTo(principal, { structureId: structure.id, networkIds: structure.networkIds }));
  }

  /** Opening hours: the structure's own agents may change them too. */
  @Transactional()
  async setOpeningHours(principal: Principal, id: string, input: OpeningHoursInput): Promise<LieuView> {
    const lieu = await this.find(id);
    const structure = await this.structureOf(lieu.structureId);
    if (!canOperateStructure(principal, structure.id, structure.networkIds)) throw forbidden('Seule la structure du lieu (ou qui la gère) change ses horaires.');
    return this.view(await this.write(lieu, { openingHours: input.openingHours }, callerKey(principal), false), showTo(principal, { structureId: structure.id, networkIds: structure.networkIds }));
  }

  @Transactional()
  async upsert(input: CreateLieuInput, by: Verifier, source?: SourceRef, verifiedAt?: Date): Promise<Lieu & { changed?: boolean; openingHoursWarnings?: string[] }> {
    let existing: Lieu | null = null;
    if (input.id) existing = await this.repository.findOne({ where: { id: input.id } });
    else if (source) existing = await this.repository.findOne({ where: { source: source.source, sourceId: source.sourceId } });
    const lieu =
      existing ??
      this.repository.create({
        id: input.id ?? randomUUID(),
        structureId: input.structureId,
        version: 0,
        deleted: false,
        createdAt: new Date(),
        source: source?.source ?? null,
        sourceId: source?.sourceId ?? null,
        accessibility: { wheelchair: null, acceslibreUrl: null, details: null },
      });
    lieu.structureId = input.structureId;
    return this.write(lieu, input, by, existing === null, verifiedAt);
  }

  private async write(lieu: Lieu, input: UpdateLieuInput, by: Verifier, isNew: boolean, verifiedAt?: Date): Promise<Lieu & { changed?: boolean; openingHoursWarnings?: string[] }> {
    const before = isNew ? null : stableJson(comparable(lieu));
    if (input.name !== undefined) lieu.name = input.name;
    if (input.street !== undefined) lieu.street = input.street ?? null;
    if (input.postalCode !== undefined) lieu.postalCode = input.postalCode ?? null;
    if (input.communeCode !== undefined) {
      lieu.communeCode = input.communeCode;
      lieu.communeName = findCommune(input.communeCode)?.nom ?? null;
    }
    if (input.latitude !== undefined) lieu.latitude = input.latitude ?? null;
    if (input.longitude !== undefined) lieu.longitude = input.longitude ?? null;
    if (input.openingHours !== undefined) lieu.openingHours = input.openingHours?.trim() ? canonicalOpeningHours(input.openingHours.trim()) : null;
    if (input.accessibility !== undefined) {
      lieu.accessibility = {
        wheelchair: input.accessibility.wheelchair ?? null,
        acceslibreUrl: input.accessibility.acceslibreUrl ?? null,
        details: input.accessibility.details ?? null,
      };
    }
    if ((lieu.latitude === null) !== (lieu.longitude === null)) {
      throw new ValidationError([{ field: lieu.latitude === null ? 'latitude' : 'longitude', message: 'latitude et longitude vont ensemble' }]);
    }
    // What the parser corrected in the value as given (the stored value is the corrected one).
    const given = input.openingHours?.trim() ? parseOpeningHours(input.openingHours.trim(), lieu) : undefined;
    const warnings = given?.ok ? given.warnings : [];
    const changed = isNew || before !== stableJson(comparable(lieu));
    if (!changed) return Object.assign(lieu, { changed: false, openingHoursWarnings: warnings });
    touch(lieu, by);
    if (verifiedAt) lieu.lastVerifiedAt = verifiedAt;
    await this.repository.save(lieu);
    await this.intervals.replace(lieu);
    if (!isNew) {
      await this.searchIndex.refreshServicesAtLieu(lieu.id);
      await this.snapshots.servicesAtLieu(lieu.id);
    }
    return Object.assign(lieu, { changed: true, openingHoursWarnings: warnings });
  }

  view(lieu: Lieu & { openingHoursWarnings?: string[] }, show: ShowAttribution = publicAttribution): LieuView {
    const parsed = lieu.openingHours ? parseOpeningHours(lieu.openingHours, lieu) : undefined;
    const weekly = this.intervals.compute(lieu, OpeningIntervals.referenceDay());
    return {
      id: lieu.id,
      structureId: lieu.structureId,
      name: lieu.name,
      street: lieu.street,
      postalCode: lieu.postalCode,
      communeCode: lieu.communeCode,
      communeName: lieu.communeName,
      latitude: lieu.latitude,
      longitude: lieu.longitude,
      openingHours: lieu.openingHours,
      openingHoursWarnings: lieu.openingHoursWarnings ?? (parsed?.ok ? parsed.warnings : []),
      weeklyHours: weekly.map((interval) => ({ opens: describeMinuteOfWeek(interval.startMinute), closes: describeMinuteOfWeek(interval.endMinute) })),
      accessibility: lieu.accessibility,
      version: lieu.version,
      freshness: freshnessOf(lieu, this.options.freshnessMaxAgeDays, show),
    };
  }
}

function comparable(lieu: Lieu): unknown {
  return [lieu.structureId, lieu.name, lieu.street, lieu.postalCode, lieu.communeCode, lieu.latitude, lieu.longitude, lieu.openingHours, lieu.accessibility];
}
