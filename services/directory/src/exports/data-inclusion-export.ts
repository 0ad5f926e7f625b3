import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { findCommune } from '../communes/referentiel';
import { labelToReseau, modalityToModeAccueil, roleToType, typologyToReseau } from '../imports/formats/data-inclusion-mapping';
import { Lieu } from '../lieux/lieu.entity';
import { Offer, OfferLieu } from '../offers/offer.entity';
import { Structure } from '../structures/structure.entity';
import type { Label, Modality, Typology } from '../shared/vocabulary';

/**
 * The directory as data·inclusion v1 structures and services (schema 1.0.8), in the page shape of
 * data·inclusion's own API (`{ items, total, page, size, pages }`), which the import reads back. Every
 * document validates against the official v1 JSON Schemas (test/data-inclusion-export.int-spec.ts).
 *
 * Identifiers: a record imported from data·inclusion goes out under its producer's `source` and `id`; one
 * created in Relais under `source: relais` and its UUID. So exporting, importing the file into an empty
 * directory and exporting again gives the same documents (the round-trip test). Only public information:
 * no référents, no address where referrals are emailed.
 */
export const DATA_INCLUSION_SOURCE = 'relais';
export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 5000;

type Json = Record<string, unknown>;

export interface DataInclusionPage {
  items: Json[];
  total: number;
  page: number;
  size: number;
  pages: number;
}

export interface ExportOptions {
  networkId?: string;
  page?: number;
  size?: number;
  /** Every record in one page, past MAX_PAGE_SIZE: for the CLI, which writes a file, not for HTTP. */
  all?: boolean;
}

/** `source` and `id` of a record: its producer's when it came from data·inclusion, Relais's otherwise. */
function identity(record: { id: string; source: string | null; sourceId: string | null }): { source: string; id: string } {
  if (record.source === 'data-inclusion' && record.sourceId) {
    const colon = record.sourceId.indexOf(':');
    if (colon > 0) return { source: record.sourceId.slice(0, colon), id: record.sourceId.slice(colon + 1) };
  }
  return { source: DATA_INCLUSION_SOURCE, id: record.id };
}

/** v1 names: 3 to 150 characters, not ending with a full stop. */
function v1Name(name: string): string {
  const cut = name.trim().slice(0, 150).trim().replace(/\.+$/, '').trim();
  return cut.length >= 3 ? cut : cut.padEnd(3, '…');
}

/** v1 descriptions: 5 to 10 000 characters. */
function v1Description(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed.length >= 5 ? trimmed.slice(0, 10_000) : null;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** v1 `format: uri` (absolute): anything else is left out. */
function absoluteUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

const fiveDigits = (value: string | null | undefined) => (value && /^\d{5}$/.test(value) ? value : null);

/** The v1 address fields of a lieu (all null without one). */
function addressOf(lieu: Lieu | undefined, communeCode?: string | null): Json {
  const code = lieu?.communeCode ?? communeCode ?? null;
  return {
    adresse: lieu?.street ?? null,
    complement_adresse: null,
    code_postal: fiveDigits(lieu?.postalCode),
    code_insee: code && /^\w{5}$/.test(code) ? code : null,
    commune: lieu?.communeName ?? (code ? (findCommune(code)?.nom ?? null) : null),
    latitude: lieu?.latitude ?? null,
    longitude: lieu?.longitude ?? null,
  };
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
const listOrNull = <T>(values: T[]): T[] | null => (values.length > 0 ? values : null);

@Injectable()
export class DataInclusionExporter {
  constructor(private readonly dataSource: DataSource) {}

  async structures(options: ExportOptions = {}): Promise<DataInclusionPage> {
    const { page, size } = this.paging(options);
    const query = this.dataSource
      .getRepository(Structure)
      .createQueryBuilder('s')
      .where('NOT s.deleted')
      .andWhere(options.networkId ? 's.network_ids && ARRAY[:network]::uuid[]' : 'true', { network: options.networkId })
      .orderBy('s.id');
    const [structures, total] = await query.skip((page - 1) * size).take(size).getManyAndCount();
    const lieux = await this.mainLieux(structures);
    return this.page(structures.map((s) => this.structure(s, lieux.get(s.id))), total, page, size);
  }

  async services(options: ExportOptions = {}): Promise<DataInclusionPage> {
    const { page, size } = this.paging(options);
    const query = this.dataSource
      .getRepository(Offer)
      .createQueryBuilder('o')
      .innerJoin(Structure, 's', 's.id = o.structure_id AND NOT s.deleted')
      .where('NOT o.deleted')
      // A closed service is no longer offered: data·inclusion lists what a person can use.
      .andWhere("o.status <> 'closed'")
      .andWhere(options.networkId ? 'o.network_ids && ARRAY[:network]::uuid[]' : 'true', { network: options.networkId })
      .orderBy('o.id');
    const [offers, total] = await query.skip((page - 1) * size).take(size).getManyAndCount();
    const structureIds = unique(offers.map((o) => o.structureId));
    const structures = structureIds.length ? await this.dataSource.getRepository(Structure).find({ where: { id: In(structureIds) } }) : [];
    const structureById = new Map(structures.map((s) => [s.id, s]));
    const mainLieux = await this.mainLieux(structures);
    const links = offers.length ? await this.dataSource.getRepository(OfferLieu).find({ where: { offerId: In(offers.map((o) => o.id)) } }) : [];
    const lieux = links.length ? await this.dataSource.getRepository(Lieu).find({ where: { id: In(unique(links.map((l) => l.lieuId))), deleted: false } }) : [];
    const lieuById = new Map(lieux.map((l) => [l.id, l]));
    const items = offers.flatMap((offer) => {
      const structure = structureById.get(offer.structureId);
      if (!structure) return [];
      const offerLieux = links
        .filter((l) => l.offerId === offer.id)
        .map((l) => lieuById.get(l.lieuId))
        .filter((l): l is Lieu => l !== undefined)
        .sort((a, b) => a.id.localeCompare(b.id));
      return [this.service(offer, structure, mainLieux.get(structure.id), offerLieux)];
    });
    return this.page(items, total, page, size);
  }

  private paging(options: ExportOptions): { page: number; size: number } {
    if (options.all) return { page: 1, size: Number.MAX_SAFE_INTEGER };
    return { page: options.page ?? 1, size: Math.min(options.size ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) };
  }

  private page(items: Json[], total: number, page: number, size: number): DataInclusionPage {
    // A page of everything (the CLI's) says how many it holds, not an unbounded size.
    const shown = size === Number.MAX_SAFE_INTEGER ? total : size;
    return { items, total, page, size: shown, pages: Math.max(1, Math.ceil(total / size)) };
  }

  /**
   * The lieu that stands for each structure's address (v1 gives a structure one): the one imported with
   * the structure, else its earliest.
   */
  private async mainLieux(structures: Structure[]): Promise<Map<string, Lieu>> {
    if (structures.length === 0) return new Map();
    const lieux = await this.dataSource.getRepository(Lieu).find({ where: { structureId: In(structures.map((s) => s.id)), deleted: false }, order: { createdAt: 'ASC', id: 'ASC' } });
    const main = new Map<string, Lieu>();
    for (const structure of structures) {
      const own = lieux.filter((l) => l.structureId === structure.id);
      const imported = structure.sourceId ? own.find((l) => l.source === structure.source && l.sourceId === structure.sourceId) : undefined;
      const chosen = imported ?? own[0];
      if (chosen) main.set(structure.id, chosen);
    }
    return main;
  }

  private structure(structure: Structure, lieu: Lieu | undefined): Json {
    const { source, id } = identity(structure);
    const reseaux = unique(
      [typologyToReseau[structure.typology as Typology], ...structure.labels.map((label) => labelToReseau[label as Label])].filter((r): r is string => r !== undefined),
    );
    return {
      source,
      id,
      nom: v1Name(structure.name),
      date_maj: day(structure.lastVerifiedAt ?? structure.updatedAt),
      siret: structure.siret && /^\d{14}$/.test(structure.siret) ? structure.siret : null,
      description: v1Description(structure.description),
      ...addressOf(lieu, structure.communeCode),
      telephone: structure.contact.phone ?? null,
      courriel: structure.contact.email ?? null,
      site_web: absoluteUrl(structure.contact.website),
      horaires_accueil: lieu?.openingHours ?? null,
      accessibilite_lieu: absoluteUrl(lieu?.accessibility.acceslibreUrl),
      reseaux_porteurs: listOrNull(reseaux),
      lien_source: null,
    };
  }

  private service(offer: Offer, structure: Structure, structureLieu: Lieu | undefined, lieux: Lieu[]): Json {
    const { source, id } = identity(offer);
    // v1 gives a service one address: none when it is rendered at its structure's, else its first lieu's.
    const ownLieu = lieux.length > 0 && !lieux.some((l) => l.id === structureLieu?.id) ? lieux[0] : undefined;
    const method = (kind: string) => offer.referralMethods.find((m) => m.kind === kind)?.value ?? null;
    const courriel = method('email');
    const telephone = method('telephone');
    const lien = absoluteUrl(method('lien'));
    const mobilisation = [...(courriel ? ['envoyer-un-courriel'] : []), ...(telephone ? ['telephoner'] : []), ...(lien ? ['utiliser-lien-mobilisation'] : [])];
    const type = roleToType.find(([role]) => offer.roles.includes(role))?.[1] ?? null;
    const fees = offer.fees;
    return {
      source,
      id,
      structure_id: identity(structure).id,
      nom: v1Name(offer.name),
      description: v1Description(offer.description) ?? `${v1Name(offer.name)}, service de ${structure.name.trim()}.`,
      date_maj: day(offer.lastVerifiedAt ?? offer.updatedAt),
      type,
      thematiques: listOrNull(offer.thematiques),
      publics: listOrNull(offer.publics),
      publics_precisions: null,
      conditions_acces: null,
      frais: fees.includes('payant') ? 'payant' : fees.includes('gratuit') ? 'gratuit' : null,
      frais_precisions: offer.feesDetails ?? null,
      // À domicile and itinérant are in person: v1 has only en-presentiel and a-distance.
      modes_accueil: listOrNull(unique(offer.modalities.map((m) => modalityToModeAccueil[m as Modality] ?? 'en-presentiel'))),
      modes_mobilisation: listOrNull(mobilisation),
      mobilisable_par: null,
      mobilisation_precisions: null,
      lien_mobilisation: lien,
      courriel,
      telephone,
      contact_nom_prenom: null,
      ...(ownLieu ? addressOf(ownLieu) : addressOf(undefined, null)),
      horaires_accueil: ownLieu?.openingHours ?? null,
      nombre_semaines: null,
      volume_horaire_hebdomadaire: null,
      zone_eligibilite: null,
      lien_source: null,
    };
  }
}
