import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@relais/platform';
import { DataSource } from 'typeorm';
import type { CommuneView } from './communes.dto';
import { findCommune } from './referentiel';

@Injectable()
export class CommunesService {
  constructor(private readonly dataSource: DataSource) {}

  async get(code: string): Promise<CommuneView> {
    const commune = findCommune(code);
    if (!commune) throw new NotFoundError('Commune');
    const [coordinates] = await this.dataSource.query<Array<{ latitude: number; longitude: number; source: string }>>(
      `SELECT latitude, longitude, source FROM commune_coordinates WHERE code = $1`,
      [code],
    );
    const networks: Array<{ id: string; name: string }> = await this.dataSource.query(
      `SELECT id, name FROM network WHERE NOT deleted AND commune_codes @> ARRAY[$1]::text[] ORDER BY name`,
      [code],
    );
    const lieux: Array<{ id: string; name: string; structure_id: string; structure_name: string; street: string | null; services: string }> =
      await this.dataSource.query(
        `SELECT l.id, l.name, l.structure_id, s.name AS structure_name, l.street,
                (SELECT count(*) FROM offer_lieu ol JOIN offer o ON o.id = ol.offer_id
                 WHERE ol.lieu_id = l.id AND NOT o.deleted AND o.status <> 'closed') AS services
         FROM lieu l JOIN structure s ON s.id = l.structure_id
         WHERE l.commune_code = $1 AND NOT l.deleted ORDER BY l.name`,
        [code],
      );
    return {
      code: commune.code,
      nom: commune.nom,
      departement: commune.departement,
      codesPostaux: commune.codesPostaux,
      population: commune.population,
      epci: commune.epci,
      coordinates: coordinates ?? null,
      networks,
      lieux: lieux.map((l) => ({ id: l.id, name: l.name, structureId: l.structure_id, structureName: l.structure_name, street: l.street, services: Number(l.services) })),
    };
  }
}
