import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Lieu } from '../lieux/lieu.entity';
import { OpeningIntervals } from '../lieux/opening-intervals';
import { DIRECTORY_TIME_ZONE } from '../lieux/opening-hours';
import { Offer, OfferLieu } from '../offers/offer.entity';
import { Structure } from '../structures/structure.entity';
import { findCommune } from '../communes/referentiel';
import { languageLabel, publics, roleLabels, thematiqueLabels, typologyLabels, type ServiceRole, type Thematique, type Typology } from '../shared/vocabulary';

/**
 * Open Referral HSDS 3.0 export: one page holding every service, each with its organization, its
 * service_at_locations (location, address, accessibility, weekly schedules), languages, roles and
 * thématiques as taxonomy attributes, and capacity (HSDS 3.1 `capacities`). Only public information:
 * no referents. HSDS ids are UUIDs: derived ones (addresses, schedules…) are stable hashes.
 * What the schemas type `string` is never `null`: an unknown value is left out (docs/standards.md;
 * services/directory/test/hsds-export.int-spec.ts validates the demo directory's export).
 */
export interface HsdsPage {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: HsdsService[];
}

type Json = Record<string, unknown>;
export type HsdsService = Json & { id: string; name: string; status: string };

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

function derivedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const MODALITY_LABELS: Record<string, string> = { 'sur-place': 'sur place', 'a-distance': 'à distance', 'a-domicile': 'à domicile', itinerant: 'itinérant' };

/** The object without its `null` and `undefined` members: HSDS types them as strings, numbers or objects. */
function present<T extends Json>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null && value !== undefined)) as T;
}

/** An absolute http(s) URL, or nothing: HSDS `url` and `website` are `format: uri`. */
function absoluteUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

const parisOffset = new Intl.DateTimeFormat('en-GB', { timeZone: DIRECTORY_TIME_ZONE, timeZoneName: 'longOffset' });

/** Paris's UTC offset in hours at an instant ("GMT+02:00" → 2; "GMT" → 0). */
export function parisUtcOffsetHours(instant: Date): number {
  const name = parisOffset.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return 0;
  const [, sign, hours = '0', minutes = '0'] = match;
  return (sign === '-' ? -1 : 1) * (Number(hours) + Number(minutes) / 60);
}

/**
 * HSDS 3.0's `schedules[].timezone` is one number, a UTC offset, where the directory's hours are Paris
 * wall-clock times through the year. The weekly schedules are those of the seven days from the export's
 * reference day (opening-intervals.ts, recomputed daily), so each schedule gets the offset in force on its
 * own day of that week, at its opening time: +1 in winter, +2 in summer, each day right across a DST change.
 * An export read months later keeps its wall-clock `opens_at`, and the offset says which season it was.
 */
export function scheduleUtcOffset(referenceDay: string, weekday: number, minuteOfDay: number): number {
  const [year = 1970, month = 1, day = 1] = referenceDay.split('-').map(Number);
  const reference = new Date(Date.UTC(year, month - 1, day));
  const referenceWeekday = (reference.getUTCDay() + 6) % 7;
  const date = new Date(Date.UTC(year, month - 1, day + ((weekday - referenceWeekday + 7) % 7)));
  // Read as UTC first, then moved by the offset found: right except within the hour a clock change skips or repeats.
  const naive = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  return parisUtcOffsetHours(new Date(naive - parisUtcOffsetHours(new Date(naive)) * 3_600_000));
}

/**
 * HSDS requires an organization's description. The structure's own, else a sober sentence saying what it
 * is and where (its typology and commune), never an empty string.
 */
export function organizationDescription(structure: Pick<Structure, 'description' | 'typology' | 'communeCode'>): string {
  const own = structure.description?.trim();
  if (own) return own;
  const kind = typologyLabels[structure.typology as Typology] ?? 'Structure';
  const commune = structure.communeCode ? findCommune(structure.communeCode)?.nom : undefined;
  return commune ? `${kind}. Commune : ${commune}.` : `${kind}.`;
}

/** HSDS requires a taxonomy term's description: what the term means, from the vocabulary's label. */
const TAXONOMY_DESCRIPTIONS = {
  'relais-roles': (label: string) => `Rôle que joue le service dans un parcours d’inclusion numérique : ${label}.`,
  'data-inclusion-thematiques': (label: string) => `Thématique du service (référentiel data·inclusion) : ${label}.`,
  'relais-modalites': (label: string) => `Modalité d’accueil du service : ${label}.`,
} satisfies Record<string, (label: string) => string>;

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

@Injectable()
export class HsdsExporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly intervals: OpeningIntervals,
  ) {}

  async export(options: { networkId?: string } = {}): Promise<HsdsPage> {
    const offers = await this.dataSource
      .getRepository(Offer)
      .createQueryBuilder('o')
      .where('NOT o.deleted')
      .andWhere(options.networkId ? 'o.network_ids && ARRAY[:network]::uuid[]' : 'true', { network: options.networkId })
      .orderBy('o.id')
      .getMany();
    const structureIds = [...new Set(offers.map((o) => o.structureId))];
    const structures = structureIds.length ? await this.dataSource.getRepository(Structure).find({ where: { id: In(structureIds) } }) : [];
    const links = offers.length ? await this.dataSource.getRepository(OfferLieu).find({ where: { offerId: In(offers.map((o) => o.id)) } }) : [];
    const lieux = links.length ? await this.dataSource.getRepository(Lieu).find({ where: { id: In([...new Set(links.map((l) => l.lieuId))]), deleted: false } }) : [];
    const structureById = new Map(structures.map((s) => [s.id, s]));
    const lieuById = new Map(lieux.map((l) => [l.id, l]));
    const referenceDay = OpeningIntervals.referenceDay();
    const contents = offers.map((offer) => {
      const structure = structureById.get(offer.structureId);
      const offerLieux = links.filter((l) => l.offerId === offer.id).map((l) => lieuById.get(l.lieuId)).filter((l): l is Lieu => l !== undefined);
      return this.service(offer, structure, offerLieux, referenceDay);
    });
    return { total_items: contents.length, total_pages: 1, page_number: 1, size: contents.length, first_page: true, last_page: true, empty: contents.length === 0, contents };
  }

  private service(offer: Offer, structure: Structure | undefined, lieux: Lieu[], referenceDay: string): HsdsService {
    const status = offer.status === 'active' ? 'active' : offer.status === 'suspended' ? 'temporarily closed' : 'defunct';
    const email = offer.referralMethods.find((m) => m.kind === 'email')?.value ?? structure?.contact.email ?? null;
    const url = absoluteUrl(offer.referralMethods.find((m) => m.kind === 'lien')?.value) ?? absoluteUrl(structure?.contact.website);
    const phone = offer.referralMethods.find((m) => m.kind === 'telephone')?.value ?? structure?.contact.phone ?? null;
    return present({
      id: offer.id,
      organization_id: offer.structureId,
      name: offer.name,
      description: offer.description || undefined,
      url,
      email: email || undefined,
      status,
      fees_description: [offer.fees.join(', '), offer.feesDetails].filter(Boolean).join(' — ') || undefined,
      eligibility_description: offer.publics.filter((p) => (publics as readonly string[]).includes(p)).join(', ') || undefined,
      assured_date: offer.lastVerifiedAt ? offer.lastVerifiedAt.toISOString().slice(0, 10) : undefined,
      alert: offer.openSlotsPerWeek === 0 ? 'Complet cette semaine : aucune place ouverte.' : offer.suspendedUntil ? `Suspendu jusqu’au ${offer.suspendedUntil}.` : undefined,
      phones: phone ? [{ id: derivedId(offer.id, 'phone'), number: phone, type: 'voice', languages: [] }] : [],
      languages: offer.languages.map((code) => ({ id: derivedId(offer.id, 'language', code), service_id: offer.id, name: languageLabel(code), code })),
      organization: structure
        ? present({
            id: structure.id,
            name: structure.name,
            description: organizationDescription(structure),
            email: structure.contact.email || undefined,
            website: absoluteUrl(structure.contact.website),
            tax_id: structure.siret,
            legal_status: structure.typology,
            parent_organization_id: structure.parentStructureId,
            organization_identifiers: [
              ...(structure.siret ? [{ id: derivedId(structure.id, 'siret'), identifier_scheme: 'FR-SIRET', identifier_type: 'SIRET', identifier: structure.siret }] : []),
              ...(structure.rna ? [{ id: derivedId(structure.id, 'rna'), identifier_scheme: 'FR-RNA', identifier_type: 'RNA', identifier: structure.rna }] : []),
            ],
          })
        : undefined,
      service_at_locations: lieux.map((lieu) => ({
        id: derivedId(offer.id, lieu.id),
        service_id: offer.id,
        location_id: lieu.id,
        location: this.location(lieu, referenceDay),
      })),
      attributes: [
        ...offer.roles.map((role) => this.attribute(offer.id, 'relais-roles', role, roleLabels[role as ServiceRole] ?? role)),
        ...offer.thematiques.map((t) => this.attribute(offer.id, 'data-inclusion-thematiques', t, thematiqueLabels[t as Thematique] ?? t)),
        ...offer.modalities.map((m) => this.attribute(offer.id, 'relais-modalites', m, MODALITY_LABELS[m] ?? m)),
      ],
      capacities:
        offer.openSlotsPerWeek === null
          ? []
          : [
              {
                id: derivedId(offer.id, 'capacity'),
                service_id: offer.id,
                unit: { id: derivedId('unit', 'places-par-semaine'), name: 'places ouvertes par semaine', scheme: 'relais' },
                available: offer.openSlotsPerWeek,
                description: offer.waitingDays === null ? undefined : `délai d’attente : ${offer.waitingDays} jours`,
                updated: (offer.capacityUpdatedAt ?? offer.updatedAt).toISOString(),
              },
            ].map(present),
    });
  }

  private location(lieu: Lieu, referenceDay: string): Json {
    const schedules = this.intervals.compute(lieu, referenceDay).flatMap((interval) => {
      // HSDS schedules are per day: an interval over midnight is cut at each day's end.
      const parts: Json[] = [];
      for (let start = interval.startMinute; start < interval.endMinute; ) {
        const dayEnd = (Math.floor(start / 1440) + 1) * 1440;
        const end = Math.min(interval.endMinute, dayEnd);
        const weekday = Math.floor(start / 1440) % 7;
        parts.push(
          present({
            id: derivedId(lieu.id, 'schedule', String(start)),
            location_id: lieu.id,
            freq: 'WEEKLY',
            byday: DAYS[weekday] ?? 'MO',
            opens_at: hhmm(start % 1440),
            closes_at: end === dayEnd ? '23:59' : hhmm(end % 1440),
            timezone: scheduleUtcOffset(referenceDay, weekday, start % 1440),
            description: lieu.openingHours || undefined,
          }),
        );
        start = end;
      }
      return parts;
    });
    return present({
      id: lieu.id,
      location_type: 'physical',
      name: lieu.name,
      latitude: lieu.latitude,
      longitude: lieu.longitude,
      external_identifier: lieu.communeCode,
      external_identifier_type: 'code INSEE de la commune',
      addresses: [
        {
          id: derivedId(lieu.id, 'address'),
          location_id: lieu.id,
          address_1: lieu.street ?? '',
          city: lieu.communeName ?? '',
          state_province: lieu.communeCode.slice(0, lieu.communeCode.startsWith('97') ? 3 : 2),
          postal_code: lieu.postalCode ?? '',
          country: 'FR',
          address_type: 'physical',
        },
      ],
      accessibility:
        lieu.accessibility.wheelchair !== null || lieu.accessibility.acceslibreUrl || lieu.accessibility.details
          ? [
              present({
                id: derivedId(lieu.id, 'accessibility'),
                location_id: lieu.id,
                description: lieu.accessibility.wheelchair === null ? undefined : lieu.accessibility.wheelchair ? 'Accessible en fauteuil roulant' : 'Non accessible en fauteuil roulant',
                details: lieu.accessibility.details || undefined,
                url: absoluteUrl(lieu.accessibility.acceslibreUrl),
              }),
            ]
          : [],
      schedules,
    });
  }

  private attribute(serviceId: string, taxonomy: keyof typeof TAXONOMY_DESCRIPTIONS, code: string, name: string): Json {
    return {
      id: derivedId(serviceId, taxonomy, code),
      link_id: serviceId,
      link_type: 'service',
      link_entity: 'service',
      taxonomy_term_id: derivedId(taxonomy, code),
      taxonomy_term: { id: derivedId(taxonomy, code), code, name, description: TAXONOMY_DESCRIPTIONS[taxonomy](name), taxonomy },
    };
  }
}
