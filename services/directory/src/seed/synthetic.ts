import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { morbihanCommuneCoordinates } from '../communes/data/communes-56';
import { communesOfDepartement } from '../communes/referentiel';
import { computeWeeklyIntervals, OpeningIntervals } from '../lieux/opening-intervals';
import { offerSearchText } from '../offers/search-text';
import { modalities, publics, roles, thematiques, typologies, type Typology } from '../shared/vocabulary';
import { searchEntryInsert, searchEntryVocabularyParameters, searchWordsInsert } from '../search/search-index';
import { seedId } from './morbihan';

const SOURCE = 'synthetic';
const BATCH = 2000;
const HOURS = [
  'Mo-Fr 09:00-12:00,14:00-17:00; PH off',
  'Tu,Th 09:00-12:00,14:00-17:30; PH off',
  'We 10:00-12:30,14:00-18:00; Sa 10:00-12:30; PH off',
  'Mo-Fr 08:30-12:30; PH off',
  'Tu-Fr 14:00-18:00; Sa 10:00-12:00; PH off',
];

/**
 * Bench data only (`seed-synthetic <count>`): services spread over the Morbihan's communes in
 * proportion to their population, written in bulk SQL without events — a benchmark measures search,
 * not the seeding. Replaces the previous synthetic data; never touches real or demo records.
 */
@Injectable()
export class SyntheticSeeder {
  constructor(private readonly dataSource: DataSource) {}

  async seed(count: number): Promise<{ structures: number; lieux: number; services: number }> {
    let state = 42;
    const rand = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state / 0x7fffffff;
    };
    const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)];
    const some = <T>(values: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(rand() * max) }, () => pick(values)))];

    const points = new Map(morbihanCommuneCoordinates.map(([code, , latitude, longitude]) => [code, { latitude, longitude }]));
    const communes = communesOfDepartement('56').filter((c) => points.has(c.code));
    const weights = communes.map((c) => Math.max(200, c.population ?? 0));
    const total = weights.reduce((a, b) => a + b, 0);
    const pickCommune = () => {
      let target = rand() * total;
      for (const [index, weight] of weights.entries()) {
        target -= weight;
        if (target <= 0) return communes[index] ?? communes[0];
      }
      return communes[0];
    };
    const networks: Array<{ id: string; commune_codes: string[] }> = await this.dataSource.query(`SELECT id, commune_codes FROM network WHERE NOT deleted`);
    const networkOf = new Map<string, string>();
    for (const network of networks) for (const code of network.commune_codes) networkOf.set(code, network.id);
    const referenceDay = OpeningIntervals.referenceDay();
    const patterns = HOURS.map((hours) => computeWeeklyIntervals({ openingHours: hours, latitude: null, longitude: null }, referenceDay));

    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM offer WHERE source = $1`, [SOURCE]);
      await manager.query(`DELETE FROM lieu WHERE source = $1`, [SOURCE]);
      await manager.query(`DELETE FROM structure WHERE source = $1`, [SOURCE]);
    });

    const structureCount = Math.ceil(count / 2);
    for (let from = 0; from < structureCount; from += BATCH) {
      const size = Math.min(BATCH, structureCount - from);
      const s = { id: [] as string[], name: [] as string[], typology: [] as string[], networks: [] as string[], commune: [] as string[], sourceId: [] as string[] };
      const l = { id: [] as string[], structure: [] as string[], name: [] as string[], commune: [] as string[], communeName: [] as string[], lat: [] as number[], lon: [] as number[], hours: [] as string[] };
      const iv = { lieu: [] as string[], start: [] as number[], end: [] as number[] };
      const o = {
        id: [] as string[], structure: [] as string[], name: [] as string[], roles: [] as string[], thematiques: [] as string[], publics: [] as string[], languages: [] as string[],
        modalities: [] as string[], accepts: [] as boolean[], slots: [] as number[], waiting: [] as number[], networks: [] as string[], text: [] as string[], sourceId: [] as string[],
      };
      const links = { offer: [] as string[], lieu: [] as string[] };
      for (let i = from; i < from + size; i++) {
        const commune = pickCommune();
        if (!commune) continue;
        const point = points.get(commune.code) ?? { latitude: 47.75, longitude: -2.9 };
        const typology: Typology = pick(typologies);
        const structureId = seedId(`synthetic:structure:${i}`);
        const network = networkOf.get(commune.code);
        const structureName = `Structure ${i} de ${commune.nom}`;
        s.id.push(structureId);
        s.name.push(structureName);
        s.typology.push(typology);
        s.networks.push(network ? `{${network}}` : '{}');
        s.commune.push(commune.code);
        s.sourceId.push(String(i));
        const lieuId = seedId(`synthetic:lieu:${i}`);
        const pattern = Math.floor(rand() * HOURS.length);
        l.id.push(lieuId);
        l.structure.push(structureId);
        l.name.push(`Lieu ${i}`);
        l.commune.push(commune.code);
        l.communeName.push(commune.nom);
        l.lat.push(point.latitude + (rand() - 0.5) * 0.03);
        l.lon.push(point.longitude + (rand() - 0.5) * 0.04);
        l.hours.push(HOURS[pattern] ?? '');
        for (const interval of patterns[pattern] ?? []) {
          iv.lieu.push(lieuId);
          iv.start.push(interval.startMinute);
          iv.end.push(interval.endMinute);
        }
        for (let k = 0; k < 2 && i * 2 + k < count; k++) {
          const offerId = seedId(`synthetic:service:${i}:${k}`);
          const offerRoles = some(roles.filter((r) => r !== 'faire-a-la-place'), 3);
          const offerThematiques = some(thematiques, 3);
          const full = rand() < 0.1;
          const name = `Service ${i}-${k} ${pick(['numérique', 'démarches', 'accueil', 'ateliers', 'accompagnement'])}`;
          o.id.push(offerId);
          o.structure.push(structureId);
          o.name.push(name);
          o.roles.push(`{${offerRoles.join(',')}}`);
          o.thematiques.push(`{${offerThematiques.join(',')}}`);
          o.publics.push(rand() < 0.7 ? '{tous-publics}' : `{${some(publics, 2).join(',')}}`);
          o.languages.push(rand() < 0.9 ? '{fr}' : '{fr,ar,en}');
          o.modalities.push(rand() < 0.85 ? '{sur-place}' : `{${some(modalities, 2).join(',')}}`);
          o.accepts.push(rand() < 0.6);
          o.slots.push(full ? 0 : 1 + Math.floor(rand() * 12));
          o.waiting.push(Math.floor(rand() * 30));
          o.networks.push(network ? `{${network}}` : '{}');
          o.text.push(offerSearchText({ name, description: null, roles: offerRoles, thematiques: offerThematiques }, { name: structureName, typology }));
          o.sourceId.push(`${i}:${k}`);
          links.offer.push(offerId);
          links.lieu.push(lieuId);
        }
      }
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO structure (id, name, typology, network_ids, commune_code, department, source, source_id, last_verified_at, last_verified_by)
           SELECT id, name, typology, networks::uuid[], commune, '56', '${SOURCE}', source_id, now(), 'synthetic'
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, name, typology, networks, commune, source_id)`,
          [s.id, s.name, s.typology, s.networks, s.commune, s.sourceId],
        );
        await manager.query(
          `INSERT INTO lieu (id, structure_id, name, commune_code, commune_name, latitude, longitude, opening_hours, source, source_id, last_verified_at, last_verified_by)
           SELECT id, structure_id, name, commune, commune_name, lat, lon, hours, '${SOURCE}', id::text, now(), 'synthetic'
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::text[]) AS t(id, structure_id, name, commune, commune_name, lat, lon, hours)`,
          [l.id, l.structure, l.name, l.commune, l.communeName, l.lat, l.lon, l.hours],
        );
        await manager.query(
          `INSERT INTO lieu_opening_interval (lieu_id, start_minute, end_minute) SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[])`,
          [iv.lieu, iv.start, iv.end],
        );
        await manager.query(
          `INSERT INTO offer (id, structure_id, name, roles, thematiques, publics, languages, modalities, accepts_relais_referrals,
                              open_slots_per_week, waiting_days, network_ids, search_text, source, source_id, last_verified_at, last_verified_by)
           SELECT id, structure_id, name, roles::text[], thematiques::text[], publics::text[], languages::text[], modalities::text[], accepts,
                  slots, waiting, networks::uuid[], text, '${SOURCE}', source_id, now(), 'synthetic'
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[], $10::int[], $11::int[], $12::text[], $13::text[], $14::text[])
             AS t(id, structure_id, name, roles, thematiques, publics, languages, modalities, accepts, slots, waiting, networks, text, source_id)`,
          [o.id, o.structure, o.name, o.roles, o.thematiques, o.publics, o.languages, o.modalities, o.accepts, o.slots, o.waiting, o.networks, o.text, o.sourceId],
        );
        await manager.query(`INSERT INTO offer_lieu (offer_id, lieu_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [links.offer, links.lieu]);
      });
    }
    // Fresh statistics first: without them the planner joins 50 000 rows as if they were a handful.
    await this.dataSource.query('ANALYZE offer, offer_lieu, lieu, lieu_opening_interval');
    await this.dataSource.query(searchEntryInsert('o.source = $6'), [...searchEntryVocabularyParameters(), SOURCE]);
    await this.dataSource.query(searchWordsInsert('o.source = $1'), [SOURCE]);
    // The intervals were computed for today: no refresh is due until tomorrow.
    await this.dataSource.query(
      `INSERT INTO opening_interval_refresh (id, reference_date) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET reference_date = excluded.reference_date`,
      [referenceDay],
    );
    // Statistics for the planner, and the visibility map the covering search index needs for index-only scans.
    await this.dataSource.query('VACUUM (ANALYZE) search_entry');
    await this.dataSource.query('ANALYZE');
    const [counts] = await this.dataSource.query<Array<{ structures: string; lieux: string; services: string }>>(
      `SELECT (SELECT count(*) FROM structure WHERE source = $1) AS structures, (SELECT count(*) FROM lieu WHERE source = $1) AS lieux,
              (SELECT count(*) FROM offer WHERE source = $1) AS services`,
      [SOURCE],
    );
    return { structures: Number(counts?.structures), lieux: Number(counts?.lieux), services: Number(counts?.services) };
  }
}
