import {
  fromSchemaLieuDeMediationNumerique,
  toSchemaLieuMediationNumerique,
  Typologie,
  type SchemaLieuMediationNumerique,
} from '@gouvfr-anct/lieux-de-mediation-numerique';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { findCommune } from '../communes/referentiel';
import { dispositifToLabel, priseEnChargeMap, publicMap } from '../imports/formats/lieux-mediation-numerique';
import { Lieu } from '../lieux/lieu.entity';
import { Offer, OfferLieu } from '../offers/offer.entity';
import { Structure } from '../structures/structure.entity';
import type { ServiceRole } from '../shared/vocabulary';

/**
 * The lieux of the directory where digital mediation is offered (a service with a `numerique--` thématique),
 * in the *Lieux de médiation numérique* standard (ANCT). Each lieu is built as the standard's flat record,
 * then read by ANCT's own library (`fromSchemaLieuDeMediationNumerique`, which throws on any invalid field)
 * and written back by it (`toSchemaLieuMediationNumerique`): what goes out is what the library produced. A
 * lieu the library refuses is left out, and logged with the library's reason (docs/standards.md, LMN).
 */
type Flat = Record<string, string | number | undefined>;

const invert = <V extends string>(map: Record<string, V>): Partial<Record<V, string>> => {
  const inverted: Partial<Record<V, string>> = {};
  for (const [key, value] of Object.entries(map)) if (inverted[value] === undefined) inverted[value] = key;
  return inverted;
};
const lmnPublic = invert(publicMap);
const lmnPriseEnCharge: Record<string, string> = { ...invert(priseEnChargeMap), 'langues-etrangeres': 'Langues étrangères (autres)' };
const lmnDispositif = invert(dispositifToLabel);

/** data·inclusion v1's four `numerique--` thématiques → the standard's services. */
const thematiqueToLmnService: Record<string, string> = {
  'numerique--acceder-a-des-services-en-ligne': 'Aide aux démarches administratives',
  'numerique--maitriser-les-fondamentaux-du-numerique': 'Maîtrise des outils numériques du quotidien',
  'numerique--acceder-a-une-connexion-internet': 'Accès internet et matériel informatique',
  'numerique--acquerir-un-equipement': 'Acquisition de matériel informatique à prix solidaire',
};

const roleToModalite: Partial<Record<ServiceRole, string>> = {
  'acces-libre': 'En autonomie',
  accompagnement: 'Accompagnement individuel',
  'faire-a-la-place': 'Accompagnement individuel',
  diagnostic: 'Accompagnement individuel',
  formation: 'Dans un atelier collectif',
};

const lmnTypologies = new Set<string>(Object.values(Typologie));
const joined = (values: Iterable<string | undefined>): string | undefined => {
  const list = [...new Set([...values].filter((v): v is string => v !== undefined && v !== ''))];
  return list.length > 0 ? list.join('|') : undefined;
};
const present = (record: Flat): Flat => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== ''));

export interface LmnExport {
  lieux: SchemaLieuMediationNumerique[];
  /** Lieux the official library refused, with its reason. */
  leftOut: Array<{ lieuId: string; reason: string }>;
}

@Injectable()
export class LmnExporter {
  private readonly logger = new Logger(LmnExporter.name);

  constructor(private readonly dataSource: DataSource) {}

  async export(options: { networkId?: string } = {}): Promise<SchemaLieuMediationNumerique[]> {
    const result = await this.exportWithReport(options);
    if (result.leftOut.length > 0) this.logger.warn(`${result.leftOut.length} lieux refusés par la bibliothèque LMN : ${result.leftOut.slice(0, 5).map((l) => `${l.lieuId} (${l.reason})`).join(', ')}`);
    return result.lieux;
  }

  async exportWithReport(options: { networkId?: string } = {}): Promise<LmnExport> {
    const offers = (
      await this.dataSource
        .getRepository(Offer)
        .createQueryBuilder('o')
        .where('NOT o.deleted')
        .andWhere("o.status <> 'closed'")
        .andWhere("EXISTS (SELECT 1 FROM unnest(o.thematiques) t WHERE t LIKE 'numerique--%')")
        .andWhere(options.networkId ? 'o.network_ids && ARRAY[:network]::uuid[]' : 'true', { network: options.networkId })
        .getMany()
    ).filter((o) => o.thematiques.some((t) => t.startsWith('numerique--')));
    const links = offers.length ? await this.dataSource.getRepository(OfferLieu).find({ where: { offerId: In(offers.map((o) => o.id)) } }) : [];
    const lieux = links.length ? await this.dataSource.getRepository(Lieu).find({ where: { id: In([...new Set(links.map((l) => l.lieuId))]), deleted: false }, order: { id: 'ASC' } }) : [];
    const structures = lieux.length ? await this.dataSource.getRepository(Structure).find({ where: { id: In([...new Set(lieux.map((l) => l.structureId))]), deleted: false } }) : [];
    const structureById = new Map(structures.map((s) => [s.id, s]));
    const offerById = new Map(offers.map((o) => [o.id, o]));
    const result: LmnExport = { lieux: [], leftOut: [] };
    for (const lieu of lieux) {
      const structure = structureById.get(lieu.structureId);
      if (!structure) continue;
      const lieuOffers = links.filter((l) => l.lieuId === lieu.id).map((l) => offerById.get(l.offerId)).filter((o): o is Offer => o !== undefined);
      const flat = this.flat(lieu, structure, lieuOffers);
      try {
        // The official library is the validator: it throws, naming the field, on anything the standard refuses.
        result.lieux.push(toSchemaLieuMediationNumerique(fromSchemaLieuDeMediationNumerique(flat as unknown as SchemaLieuMediationNumerique)));
      } catch (error) {
        result.leftOut.push({ lieuId: lieu.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return result;
  }

  private flat(lieu: Lieu, structure: Structure, offers: Offer[]): Flat {
    const roles = offers.flatMap((o) => o.roles as ServiceRole[]);
    const modalities = offers.flatMap((o) => o.modalities);
    const fees = offers.flatMap((o) => o.fees);
    const methods = offers.flatMap((o) => o.referralMethods);
    const rdv = methods.find((m) => m.kind === 'lien' && m.value && /^https?:\/\//.test(m.value))?.value ?? undefined;
    const imported = lieu.source === 'lieux-mediation-numerique' && lieu.sourceId?.includes(':') ? lieu.sourceId.slice(lieu.sourceId.indexOf(':') + 1) : undefined;
    return present({
      id: imported ?? lieu.id,
      pivot: structure.siret && /^\d{14}$/.test(structure.siret) ? structure.siret : '00000000000000',
      nom: lieu.name,
      adresse: lieu.street ?? undefined,
      code_postal: lieu.postalCode ?? undefined,
      code_insee: lieu.communeCode,
      commune: lieu.communeName ?? findCommune(lieu.communeCode)?.nom,
      latitude: lieu.latitude ?? undefined,
      longitude: lieu.longitude ?? undefined,
      typologie: lmnTypologies.has(structure.typology) ? structure.typology : undefined,
      telephone: structure.contact.phone ?? undefined,
      courriels: structure.contact.email ?? undefined,
      site_web: structure.contact.website ?? undefined,
      horaires: lieu.openingHours ?? undefined,
      presentation_detail: structure.description ?? undefined,
      date_maj: (lieu.lastVerifiedAt ?? lieu.updatedAt).toISOString().slice(0, 10),
      source: 'relais',
      services: joined(offers.flatMap((o) => o.thematiques.map((t) => thematiqueToLmnService[t]))),
      modalites_accompagnement: joined([...roles.map((r) => roleToModalite[r]), modalities.includes('a-distance') ? 'À distance' : undefined]),
      publics_specifiquement_adresses: joined(offers.flatMap((o) => (o.publics).map((p) => lmnPublic[p as keyof typeof lmnPublic]))),
      prise_en_charge_specifique: joined(offers.flatMap((o) => (o.accessibilityFeatures).map((f) => lmnPriseEnCharge[f]))),
      frais_a_charge: joined([
        ...offers.filter((o) => o.fees.includes('gratuit')).map((o) => (o.feesDetails === 'Gratuit sous condition' ? 'Gratuit sous condition' : 'Gratuit')),
        fees.includes('payant') ? 'Payant' : undefined,
      ]),
      modalites_acces: joined([
        modalities.includes('sur-place') ? 'Se présenter' : undefined,
        methods.some((m) => m.kind === 'telephone') ? 'Téléphoner' : undefined,
        methods.some((m) => m.kind === 'email') ? 'Contacter par mail' : undefined,
        rdv ? 'Prendre un RDV en ligne' : undefined,
      ]),
      itinerance: modalities.includes('itinerant') ? 'Itinérant' : undefined,
      dispositif_programmes_nationaux: joined(structure.labels.map((l) => lmnDispositif[l as keyof typeof lmnDispositif])),
      fiche_acces_libre: lieu.accessibility.acceslibreUrl ?? undefined,
      prise_rdv: rdv,
    });
  }
}
