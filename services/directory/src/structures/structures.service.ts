import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { callerKey, type Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DomainError, NotFoundError, ValidationError, type FieldError } from '@relais/platform';
import { In } from 'typeorm';
import { findCommune } from '../communes/referentiel';
import { DIRECTORY_OPTIONS, type DirectoryOptions } from '../config';
import { Lieu } from '../lieux/lieu.entity';
import { Network } from '../networks/network.entity';
import { Offer } from '../offers/offer.entity';
import { offerSearchText } from '../offers/search-text';
import { canManageStructure, canOperateStructure, forbidden } from '../shared/access';
import { publicAttribution, showTo, type ShowAttribution } from '../shared/attribution';
import { freshnessOf } from '../shared/freshness';
import { stableJson, touch, type Verifier } from '../shared/record';
import { AIDANTS_CONNECT, typologyLabels, type Typology } from '../shared/vocabulary';
import { SnapshotPublisher } from '../snapshots/snapshot-publisher';
import { SearchIndex } from '../search/search-index';
import type { CreateStructureInput, ReferentView, StructureView, UpdateStructureInput } from './structure.dto';
import { Structure } from './structure.entity';

export interface SourceRef {
  source: string;
  sourceId: string;
}

@Injectable()
export class StructuresService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly snapshots: SnapshotPublisher,
    private readonly searchIndex: SearchIndex,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
  ) {}

  async exists(id: string): Promise<boolean> {
    return this.repository.exists({ where: { id } });
  }

  private get repository() {
    return this.txHost.tx.getRepository(Structure);
  }

  async find(id: string): Promise<Structure> {
    const structure = await this.repository.findOne({ where: { id, deleted: false } });
    if (!structure) throw new NotFoundError('Structure');
    return structure;
  }

  async get(id: string): Promise<StructureView> {
    return this.view(await this.find(id));
  }

  async referents(principal: Principal, id: string): Promise<ReferentView[]> {
    const structure = await this.find(id);
    // Professional contacts, but people all the same: shown to the network's members, not to the public.
    const member = principal.roles.includes('admin') || principal.structureId === id || structure.networkIds.some((n) => principal.networkIds.includes(n));
    if (!member) throw forbidden('Les référents ne sont visibles que des membres des réseaux de la structure.');
    return structure.referents;
  }

  async create(principal: Principal, input: CreateStructureInput): Promise<StructureView> {
    if (!canManageStructure(principal, input.networkIds)) {
      throw forbidden('Un coordinateur ne crée une structure que dans un réseau qu’il coordonne.');
    }
    const structure = await this.upsert(input, callerKey(principal));
    return this.view(structure, showTo(principal, { structureId: structure.id, networkIds: structure.networkIds }));
  }

  @Transactional()
  async update(principal: Principal, id: string, input: UpdateStructureInput): Promise<StructureView> {
    const structure = await this.find(id);
    if (!canManageStructure(principal, structure.networkIds) || (input.networkIds && !canManageStructure(principal, input.networkIds))) {
      throw forbidden('Seuls un administrateur et les coordinateurs des réseaux de la structure la modifient.');
    }
    const written = await this.write(structure, input, callerKey(principal), false);
    return this.view(written, showTo(principal, { structureId: written.id, networkIds: written.networkIds }));
  }

  /**
   * Creates or updates a structure: by id when given, else by (source, source id) for imports.
   * Returns the stored structure; `changed` is false when the input matched it already (re-import).
   */
  @Transactional()
  async upsert(input: CreateStructureInput, by: Verifier, source?: SourceRef, verifiedAt?: Date): Promise<Structure & { changed?: boolean }> {
    let existing: Structure | null = null;
    if (input.id) existing = await this.repository.findOne({ where: { id: input.id } });
    else if (source) existing = await this.repository.findOne({ where: { source: source.source, sourceId: source.sourceId } });
    const structure =
      existing ??
      this.repository.create({
        id: input.id ?? randomUUID(),
        version: 0,
        deleted: false,
        createdAt: new Date(),
        source: source?.source ?? null,
        sourceId: source?.sourceId ?? null,
        labels: [],
        referents: [],
        contact: { email: null, phone: null, website: null },
      });
    return this.write(structure, input, by, existing === null, verifiedAt);
  }

  private async write(
    structure: Structure,
    input: UpdateStructureInput,
    by: Verifier,
    isNew: boolean,
    verifiedAt?: Date,
  ): Promise<Structure & { changed?: boolean }> {
    const before = isNew ? null : stableJson(comparable(structure));
    const previousNetworks = [...(structure.networkIds ?? [])];
    const previousName = structure.name;
    const previousLabels = [...(structure.labels ?? [])];
    await this.check(structure.id, input);
    if (input.name !== undefined) structure.name = input.name;
    if (input.siret !== undefined) structure.siret = input.siret ?? null;
    if (input.rna !== undefined) structure.rna = input.rna ?? null;
    if (input.typology !== undefined) structure.typology = input.typology;
    if (input.parentStructureId !== undefined) structure.parentStructureId = input.parentStructureId ?? null;
    if (input.description !== undefined) structure.description = input.description ?? null;
    if (input.contact !== undefined) {
      structure.contact = { email: input.contact.email ?? null, phone: input.contact.phone ?? null, website: input.contact.website ?? null };
    }
    if (input.referents !== undefined) {
      structure.referents = input.referents.map((r) => ({ name: r.name, role: r.role ?? null, email: r.email ?? null, phone: r.phone ?? null }));
    }
    if (input.referralEmail !== undefined) structure.referralEmail = input.referralEmail ?? null;
    if (input.labels !== undefined) structure.labels = [...new Set(input.labels)].sort();
    if (input.networkIds !== undefined) structure.networkIds = [...new Set(input.networkIds)].sort();
    if (input.communeCode !== undefined) structure.communeCode = input.communeCode ?? null;
    structure.department = (structure.communeCode ? findCommune(structure.communeCode)?.departement : undefined) ?? structure.department ?? this.options.department;

    if (previousLabels.includes(AIDANTS_CONNECT) && !structure.labels.includes(AIDANTS_CONNECT)) {
      const delegating = await this.txHost.tx
        .getRepository(Offer)
        .createQueryBuilder('o')
        .where('o.structure_id = :id AND NOT o.deleted AND o.roles @> ARRAY[:role]::text[]', { id: structure.id, role: 'faire-a-la-place' })
        .getMany();
      if (delegating.length > 0) {
        throw new DomainError('conflict', `Retirer l'habilitation Aidants Connect exige d'abord de retirer le rôle « faire à la place » de ${delegating.map((o) => `« ${o.name} »`).join(', ')}.`, {
          serviceIds: delegating.map((o) => o.id),
        });
      }
    }

    const changed = isNew || before !== stableJson(comparable(structure));
    if (!changed) return Object.assign(structure, { changed: false });
    touch(structure, by);
    // An import confirms the record as of the source's own date, not as of today.
    if (verifiedAt) structure.lastVerifiedAt = verifiedAt;
    structure.verificationRemindedAt = null;
    await this.repository.save(structure);
    await this.snapshots.structure(structure);
    const networksChanged = previousNetworks.join() !== structure.networkIds.join();
    if (!isNew && (networksChanged || previousName !== structure.name)) await this.propagateToOffers(structure);
    return Object.assign(structure, { changed: true });
  }

  /** Services copy their structure's networks and name (for search): refresh them and republish. */
  private async propagateToOffers(structure: Structure): Promise<void> {
    const offers = await this.txHost.tx.getRepository(Offer).find({ where: { structureId: structure.id, deleted: false } });
    for (const offer of offers) {
      offer.networkIds = structure.networkIds;
      offer.searchText = offerSearchText(offer, structure);
      offer.version += 1;
      offer.updatedAt = new Date();
    }
    await this.txHost.tx.getRepository(Offer).save(offers);
    await this.searchIndex.refresh(offers.map((offer) => offer.id));
    await this.snapshots.services(offers.map((offer) => offer.id));
  }

  /** Checks against other records, every problem at once (the DTO already checked shapes). */
  private async check(id: string, input: UpdateStructureInput): Promise<void> {
    const errors: FieldError[] = [];
    if (input.networkIds?.length) {
      const found = await this.txHost.tx.getRepository(Network).find({ select: { id: true }, where: { id: In(input.networkIds), deleted: false } });
      const known = new Set(found.map((n) => n.id));
      input.networkIds.forEach((networkId, index) => {
        if (!known.has(networkId)) errors.push({ field: `networkIds.${index}`, message: `réseau local ${networkId} inconnu` });
      });
    }
    if (input.parentStructureId) {
      if (input.parentStructureId === id) errors.push({ field: 'parentStructureId', message: 'une structure ne peut être sa propre structure parente' });
      else if (!(await this.repository.exists({ where: { id: input.parentStructureId, deleted: false } }))) {
        errors.push({ field: 'parentStructureId', message: `structure parente ${input.parentStructureId} inconnue` });
      }
    }
    if (errors.length > 0) throw new ValidationError(errors);
  }

  @Transactional()
  async retire(principal: Principal, id: string): Promise<void> {
    const structure = await this.find(id);
    if (!canManageStructure(principal, structure.networkIds)) throw forbidden('Seuls un administrateur et les coordinateurs des réseaux de la structure la retirent.');
    const by = callerKey(principal);
    const offers = await this.txHost.tx.getRepository(Offer).find({ where: { structureId: id, deleted: false } });
    for (const offer of offers) {
      offer.deleted = true;
      touch(offer, by);
    }
    await this.txHost.tx.getRepository(Offer).save(offers);
    const lieux = await this.txHost.tx.getRepository(Lieu).find({ where: { structureId: id, deleted: false } });
    for (const lieu of lieux) {
      lieu.deleted = true;
      touch(lieu, by);
    }
    await this.txHost.tx.getRepository(Lieu).save(lieux);
    structure.deleted = true;
    touch(structure, by);
    await this.repository.save(structure);
    await this.snapshots.structure(structure);
    await this.searchIndex.refresh(offers.map((offer) => offer.id));
    await this.snapshots.services(offers.map((offer) => offer.id));
  }

  /** The structure's staff (or its managers) confirm its fiche, services and lieux are still true. */
  @Transactional()
  async verify(principal: Principal, id: string): Promise<StructureView> {
    const structure = await this.find(id);
    if (!canOperateStructure(principal, id, structure.networkIds)) throw forbidden('Seuls la structure et ceux qui la gèrent confirment sa fiche.');
    const by = callerKey(principal);
    const now = new Date();
    const offers = await this.txHost.tx.getRepository(Offer).find({ where: { structureId: id, deleted: false } });
    offers.forEach((offer) => touch(offer, by, now));
    await this.txHost.tx.getRepository(Offer).save(offers);
    const lieux = await this.txHost.tx.getRepository(Lieu).find({ where: { structureId: id, deleted: false } });
    lieux.forEach((lieu) => touch(lieu, by, now));
    await this.txHost.tx.getRepository(Lieu).save(lieux);
    touch(structure, by, now);
    structure.verificationRemindedAt = null;
    await this.repository.save(structure);
    await this.snapshots.structure(structure);
    await this.searchIndex.refresh(offers.map((offer) => offer.id));
    await this.snapshots.services(offers.map((offer) => offer.id));
    return this.view(structure, showTo(principal, { structureId: structure.id, networkIds: structure.networkIds }));
  }

  async view(structure: Structure, show: ShowAttribution = publicAttribution): Promise<StructureView> {
    const manager = this.txHost.tx;
    const lieux = await manager.getRepository(Lieu).find({ select: { id: true, name: true }, where: { structureId: structure.id, deleted: false }, order: { name: 'ASC' } });
    const offers = await manager.getRepository(Offer).find({ select: { id: true, name: true }, where: { structureId: structure.id, deleted: false }, order: { name: 'ASC' } });
    return {
      id: structure.id,
      name: structure.name,
      siret: structure.siret,
      rna: structure.rna,
      typology: structure.typology,
      typologyLabel: typologyLabels[structure.typology as Typology] ?? structure.typology,
      parentStructureId: structure.parentStructureId,
      description: structure.description,
      contact: structure.contact,
      referralEmail: structure.referralEmail ?? null,
      labels: structure.labels,
      networkIds: structure.networkIds,
      communeCode: structure.communeCode,
      department: structure.department,
      lieux: lieux.map((l) => ({ id: l.id, name: l.name })),
      services: offers.map((o) => ({ id: o.id, name: o.name })),
      source: structure.source,
      version: structure.version,
      freshness: freshnessOf(structure, this.options.freshnessMaxAgeDays, show),
    };
  }
}

/** What a re-import compares: the fields an input can set, not the bookkeeping. */
function comparable(structure: Structure): unknown {
  return [
    structure.name,
    structure.siret,
    structure.rna,
    structure.typology,
    structure.parentStructureId,
    structure.description,
    structure.contact,
    structure.referents,
    structure.referralEmail,
    structure.labels,
    structure.networkIds,
    structure.communeCode,
  ];
}

