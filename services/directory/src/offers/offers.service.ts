import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { callerKey, type Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { NotFoundError, ValidationError, type FieldError } from '@relais/platform';
import { In } from 'typeorm';
import { DIRECTORY_OPTIONS, type DirectoryOptions } from '../config';
import { Lieu } from '../lieux/lieu.entity';
import { LieuxService } from '../lieux/lieux.service';
import { canManageStructure, canOperateStructure, forbidden } from '../shared/access';
import { publicAttribution, showTo, type ShowAttribution } from '../shared/attribution';
import { freshnessOf } from '../shared/freshness';
import { stableJson, touch, type Verifier } from '../shared/record';
import { AIDANTS_CONNECT } from '../shared/vocabulary';
import { SnapshotPublisher } from '../snapshots/snapshot-publisher';
import { SearchIndex } from '../search/search-index';
import { Structure } from '../structures/structure.entity';
import type { SourceRef } from '../structures/structures.service';
import type { CapacityInput, CreateServiceInput, ServiceView, StatusInput, UpdateServiceInput } from './offer.dto';
import { Offer, OfferLieu } from './offer.entity';
import { offerSearchText } from './search-text';

@Injectable()
export class OffersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly snapshots: SnapshotPublisher,
    private readonly searchIndex: SearchIndex,
    private readonly lieux: LieuxService,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
  ) {}

  async exists(id: string): Promise<boolean> {
    return this.repository.exists({ where: { id } });
  }

  async existsBySource(source: string, sourceId: string): Promise<boolean> {
    return this.repository.exists({ where: { source, sourceId } });
  }

  private get repository() {
    return this.txHost.tx.getRepository(Offer);
  }

  async find(id: string): Promise<Offer> {
    const offer = await this.repository.findOne({ where: { id, deleted: false } });
    if (!offer) throw new NotFoundError('Service');
    return offer;
  }

  async get(id: string): Promise<ServiceView> {
    return this.view(await this.find(id));
  }

  private async structureOf(structureId: string): Promise<Structure> {
    const structure = await this.txHost.tx.getRepository(Structure).findOne({ where: { id: structureId, deleted: false } });
    if (!structure) throw new ValidationError([{ field: 'structureId', message: `structure ${structureId} inconnue` }]);
    return structure;
  }

  async create(principal: Principal, input: CreateServiceInput): Promise<ServiceView> {
    const structure = await this.structureOf(input.structureId);
    if (!canManageStructure(principal, structure.networkIds)) throw forbidden('Seuls un administrateur et les coordinateurs des réseaux de la structure lui ajoutent un service.');
    const offer = await this.upsert(input, callerKey(principal));
    return this.view(offer, showTo(principal, offer));
  }

  @Transactional()
  async update(principal: Principal, id: string, input: UpdateServiceInput): Promise<ServiceView> {
    const offer = await this.find(id);
    const structure = await this.structureOf(offer.structureId);
    if (!canManageStructure(principal, structure.networkIds)) throw forbidden('Seuls un administrateur et les coordinateurs des réseaux de la structure modifient ce service.');
    return this.shownTo(principal, await this.write(offer, structure, input, callerKey(principal), false));
  }

  /** Capacity: updated by the structure itself, as often as its week changes. */
  @Transactional()
  async setCapacity(principal: Principal, id: string, input: CapacityInput): Promise<ServiceView> {
    const offer = await this.find(id);
    const structure = await this.structureOf(offer.structureId);
    if (!canOperateStructure(principal, structure.id, structure.networkIds)) throw forbidden('Seule la structure du service (ou qui la gère) met à jour sa capacité.');
    return this.shownTo(principal, await this.write(offer, structure, { capacity: input }, callerKey(principal), false));
  }

  @Transactional()
  async setStatus(principal: Principal, id: string, input: StatusInput): Promise<ServiceView> {
    const offer = await this.find(id);
    const structure = await this.structureOf(offer.structureId);
    if (!canOperateStructure(principal, structure.id, structure.networkIds)) throw forbidden('Seule la structure du service (ou qui la gère) change son statut.');
    return this.shownTo(principal, await this.write(offer, structure, { status: input.status, suspendedUntil: input.suspendedUntil ?? null }, callerKey(principal), false));
  }

  @Transactional()
  async retire(principal: Principal, id: string): Promise<void> {
    const offer = await this.find(id);
    const structure = await this.structureOf(offer.structureId);
    if (!canManageStructure(principal, structure.networkIds)) throw forbidden('Seuls un administrateur et les coordinateurs des réseaux de la structure retirent ce service.');
    offer.deleted = true;
    touch(offer, callerKey(principal));
    await this.repository.save(offer);
    await this.searchIndex.refresh([offer.id]);
    await this.snapshots.services([offer.id]);
  }

  @Transactional()
  async upsert(input: CreateServiceInput, by: Verifier, source?: SourceRef, verifiedAt?: Date): Promise<Offer & { changed?: boolean }> {
    let existing: Offer | null = null;
    if (input.id) existing = await this.repository.findOne({ where: { id: input.id } });
    else if (source) existing = await this.repository.findOne({ where: { source: source.source, sourceId: source.sourceId } });
    const structure = await this.structureOf(input.structureId);
    const offer =
      existing ??
      this.repository.create({
        id: input.id ?? randomUUID(),
        version: 0,
        deleted: false,
        createdAt: new Date(),
        source: source?.source ?? null,
        sourceId: source?.sourceId ?? null,
        thematiques: [],
        publics: ['tous-publics'],
        languages: ['fr'],
        accessibilityFeatures: [],
        modalities: ['sur-place'],
        fees: [],
        referralMethods: [],
        acceptsRelaisReferrals: false,
        status: 'active',
        suspendedUntil: null,
        openSlotsPerWeek: null,
        waitingDays: null,
        capacityUpdatedAt: null,
        capacityUpdatedBy: null,
      });
    offer.structureId = structure.id;
    return this.write(offer, structure, input, by, existing === null, verifiedAt);
  }

  private async write(
    offer: Offer,
    structure: Structure,
    input: UpdateServiceInput,
    by: Verifier,
    isNew: boolean,
    verifiedAt?: Date,
  ): Promise<Offer & { changed?: boolean }> {
    const links = this.txHost.tx.getRepository(OfferLieu);
    const previousLieuIds = isNew ? [] : (await links.find({ where: { offerId: offer.id } })).map((l) => l.lieuId).sort();
    const before = isNew ? null : stableJson([comparable(offer), previousLieuIds]);
    await this.check(structure, input);

    if (input.name !== undefined) offer.name = input.name;
    if (input.description !== undefined) offer.description = input.description ?? null;
    if (input.roles !== undefined) offer.roles = unique(input.roles);
    if (input.thematiques !== undefined) offer.thematiques = unique(input.thematiques);
    if (input.publics !== undefined) offer.publics = unique(input.publics);
    if (input.languages !== undefined) offer.languages = unique(input.languages);
    if (input.accessibilityFeatures !== undefined) offer.accessibilityFeatures = unique(input.accessibilityFeatures);
    if (input.modalities !== undefined) offer.modalities = unique(input.modalities);
    if (input.fees !== undefined) offer.fees = unique(input.fees);
    if (input.feesDetails !== undefined) offer.feesDetails = input.feesDetails ?? null;
    if (input.referralMethods !== undefined) {
      offer.referralMethods = input.referralMethods.map((m) => ({ kind: m.kind, value: m.kind === 'relais' ? null : (m.value ?? null) }));
    }
    if (input.acceptsRelaisReferrals !== undefined) offer.acceptsRelaisReferrals = input.acceptsRelaisReferrals;
    if (input.referralEmail !== undefined) offer.referralEmail = input.referralEmail ?? null;
    // Accepting Relais referrals is itself a way to refer: say so where senders look.
    const hasRelais = offer.referralMethods.some((m) => m.kind === 'relais');
    if (offer.acceptsRelaisReferrals && !hasRelais) offer.referralMethods = [{ kind: 'relais', value: null }, ...offer.referralMethods];
    if (!offer.acceptsRelaisReferrals && hasRelais) offer.referralMethods = offer.referralMethods.filter((m) => m.kind !== 'relais');
    if (input.status !== undefined) {
      offer.status = input.status;
      offer.suspendedUntil = input.status === 'suspended' ? (input.suspendedUntil ?? null) : null;
    }
    if (input.capacity !== undefined) {
      const capacityChanged = offer.openSlotsPerWeek !== input.capacity.openSlotsPerWeek || offer.waitingDays !== input.capacity.waitingDays;
      offer.openSlotsPerWeek = input.capacity.openSlotsPerWeek;
      offer.waitingDays = input.capacity.waitingDays;
      // A structure saying "still the same" is worth recording: the figures are fresh.
      if (capacityChanged || !isNew) {
        offer.capacityUpdatedAt = new Date();
        offer.capacityUpdatedBy = by;
      }
    }
    offer.networkIds = [...structure.networkIds];
    offer.searchText = offerSearchText(offer, structure);
    const lieuIds = input.lieuIds !== undefined ? unique(input.lieuIds) : previousLieuIds;

    const changed = isNew || before !== stableJson([comparable(offer), lieuIds]);
    if (!changed) return Object.assign(offer, { changed: false });
    touch(offer, by);
    if (verifiedAt) offer.lastVerifiedAt = verifiedAt;
    await this.repository.save(offer);
    if (input.lieuIds !== undefined && stableJson(lieuIds) !== stableJson(previousLieuIds)) {
      await links.delete({ offerId: offer.id });
      if (lieuIds.length) await links.insert(lieuIds.map((lieuId) => ({ offerId: offer.id, lieuId })));
    }
    await this.searchIndex.refresh([offer.id]);
    await this.snapshots.services([offer.id]);
    return Object.assign(offer, { changed: true });
  }

  /** Rules that need other records, every problem at once. */
  private async check(structure: Structure, input: UpdateServiceInput): Promise<void> {
    const errors: FieldError[] = [];
    if (input.roles?.includes('faire-a-la-place') && !structure.labels.includes(AIDANTS_CONNECT)) {
      errors.push({
        field: 'roles',
        message: '« faire-a-la-place » est réservé aux structures habilitées Aidants Connect (label aidants-connect)',
      });
    }
    if (input.lieuIds?.length) {
      const found = await this.txHost.tx.getRepository(Lieu).find({ select: { id: true }, where: { id: In(input.lieuIds), deleted: false } });
      const known = new Set(found.map((l) => l.id));
      input.lieuIds.forEach((lieuId, index) => {
        if (!known.has(lieuId)) errors.push({ field: `lieuIds.${index}`, message: `lieu ${lieuId} inconnu` });
      });
    }
    if (errors.length > 0) throw new ValidationError(errors);
  }

  /** The view answered to the one who wrote: with whole attributions where it may see them. */
  private shownTo(principal: Principal, offer: Offer): Promise<ServiceView> {
    return this.view(offer, showTo(principal, offer));
  }

  async view(offer: Offer, show: ShowAttribution = publicAttribution): Promise<ServiceView> {
    const manager = this.txHost.tx;
    const structure = await manager.getRepository(Structure).findOneOrFail({ where: { id: offer.structureId } });
    const links = await manager.getRepository(OfferLieu).find({ where: { offerId: offer.id } });
    const lieux = links.length ? await manager.getRepository(Lieu).find({ where: { id: In(links.map((l) => l.lieuId)), deleted: false }, order: { name: 'ASC' } }) : [];
    return {
      id: offer.id,
      structureId: offer.structureId,
      structure: { id: structure.id, name: structure.name, typology: structure.typology, labels: structure.labels },
      name: offer.name,
      description: offer.description,
      roles: offer.roles,
      thematiques: offer.thematiques,
      publics: offer.publics,
      languages: offer.languages,
      accessibilityFeatures: offer.accessibilityFeatures,
      modalities: offer.modalities,
      fees: offer.fees,
      feesDetails: offer.feesDetails,
      referralMethods: offer.referralMethods,
      acceptsRelaisReferrals: offer.acceptsRelaisReferrals,
      referralEmail: offer.referralEmail ?? null,
      status: offer.status,
      suspendedUntil: offer.suspendedUntil,
      capacity: {
        openSlotsPerWeek: offer.openSlotsPerWeek,
        waitingDays: offer.waitingDays,
        full: offer.openSlotsPerWeek === 0,
        updatedAt: offer.capacityUpdatedAt ? offer.capacityUpdatedAt.toISOString() : null,
      },
      networkIds: offer.networkIds,
      lieux: lieux.map((lieu) => this.lieux.view(lieu, show)),
      source: offer.source,
      version: offer.version,
      freshness: freshnessOf(offer, this.options.freshnessMaxAgeDays, show),
    };
  }
}

function unique<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function comparable(offer: Offer): unknown {
  return [
    offer.structureId,
    offer.name,
    offer.description,
    offer.roles,
    offer.thematiques,
    offer.publics,
    offer.languages,
    offer.accessibilityFeatures,
    offer.modalities,
    offer.fees,
    offer.feesDetails,
    offer.referralMethods,
    offer.acceptsRelaisReferrals,
    offer.referralEmail,
    offer.status,
    offer.suspendedUntil,
    offer.openSlotsPerWeek,
    offer.waitingDays,
    offer.networkIds,
    offer.searchText,
  ];
}
