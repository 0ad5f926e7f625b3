import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { fromSchemaLieuDeMediationNumerique, type SchemaLieuMediationNumerique } from '@gouvfr-anct/lieux-de-mediation-numerique';
import type { TestService } from '@relais/testing';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { LmnExporter } from '../src/exports/lieux-mediation-numerique-export';
import { SeedService } from '../src/seed/seed.service';
import { api, startDirectory, tokens } from './support';

/**
 * What the seeded demo département exports in data·inclusion v1 and in the Lieux de médiation numérique
 * standard, each object checked by the standard's own validator: the official v1 JSON Schemas (copied
 * unchanged with their licence in src/imports/formats/data-inclusion-v1/) and ANCT's library. Then both
 * ways: the export imported into an empty directory, and exported again.
 */
type Json = Record<string, unknown>;
interface Page {
  items: Json[];
  total: number;
  page: number;
  size: number;
  pages: number;
}
interface Report {
  summary: { total: number; created: number; rejected: number };
  rows: Array<{ row: number; sourceId: string; outcome: string; reasons?: string[] }>;
}

const schemaDir = join(__dirname, '../src/imports/formats/data-inclusion-v1');
const officialSchema = (file: string): Json => JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as Json;

function officialValidator(file: string): ValidateFunction {
  // The files carry no $schema: pydantic writes draft 2020-12.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(officialSchema(file));
}

function failuresOf(validate: ValidateFunction, items: Json[]): string[] {
  const failures: string[] = [];
  for (const item of items) {
    if (!validate(item)) failures.push(`${String(item['id'])}: ${(validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ')}`);
  }
  return failures;
}

/**
 * The status of a GET with If-None-Match, as a cache would send it. Through node:http, not fetch: fetch turns
 * a request with a conditional header into `Cache-Control: no-cache`, which a server must answer in full.
 */
function conditionalStatus(url: string, etag: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { 'if-none-match': etag }, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
  });
}

const byId = (items: Json[]) => [...items].sort((a, b) => String(a['id']).localeCompare(String(b['id'])));

describe('data·inclusion v1 and LMN exports of the demo directory, checked with the official validators, both ways', () => {
  let demo: TestService;
  let empty: TestService;
  let admin: string;

  /** Every page of an export, at a size that makes several. */
  const exportAll = async (service: TestService, path: string): Promise<Json[]> => {
    const items: Json[] = [];
    for (let page = 1; ; page++) {
      const response = await api(service.url)('GET', `${path}?page=${page}&size=200`);
      expect(response.status).toBe(200);
      const body = response.body as Page;
      items.push(...body.items);
      if (page >= body.pages) {
        expect(items).toHaveLength(body.total);
        return items;
      }
    }
  };

  const upload = async (service: TestService, format: string, content: string, name: string): Promise<Report> => {
    const form = new FormData();
    form.append('file', new Blob([content]), name);
    const response = await fetch(`${service.url}/v1/imports/${format}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Report;
  };

  beforeAll(async () => {
    demo = await startDirectory();
    await demo.app.get(SeedService).run();
    empty = await startDirectory();
    admin = await tokens.admin();
    // The empty directory gets the demo's réseaux locaux (an import needs one covering each commune).
    const networks = (await api(demo.url)('GET', '/v1/networks', { token: admin })).body as { items: Array<{ id: string; name: string; communeCodes: string[] }> };
    for (const network of networks.items) {
      expect((await api(empty.url)('POST', '/v1/networks', { token: admin, body: { id: network.id, name: network.name, communeCodes: network.communeCodes } })).status).toBe(201);
    }
  }, 240_000);

  /**
   * The services run in this process: a long validation blocks the event loop, so the server's keep-alive
   * timer and the client's pool expire together, and the next request may take a socket the server is
   * closing (ECONNRESET). One turn of the timers first lets both close their side.
   */
  beforeEach(() => new Promise((resolve) => setTimeout(resolve, 50)));

  afterAll(async () => {
    await demo?.stop();
    await empty?.stop();
  });

  it('is public, cacheable by ETag, and refuses bad paging with a problem', async () => {
    const call = api(demo.url);
    const first = await call('GET', '/v1/exports/data-inclusion/services?size=10');
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(await conditionalStatus(`${demo.url}/v1/exports/data-inclusion/services?size=10`, etag ?? '')).toBe(304);
    expect(await conditionalStatus(`${demo.url}/v1/exports/data-inclusion/services?size=11`, etag ?? '')).toBe(200);
    expect((first.body as Page).pages).toBe(Math.ceil((first.body as Page).total / 10));
    for (const query of ['size=0', 'size=5001', 'page=0', 'page=abc', 'page=1.869633766813539e%2B307', 'page=1000001', 'network=pas-un-uuid']) {
      const refused = await call('GET', `/v1/exports/data-inclusion/structures?${query}`);
      expect({ query, status: refused.status }).toEqual({ query, status: 400 });
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });

  it('exports structures and services that all validate against the official v1 schemas, with nothing outside the standard', async () => {
    const structures = await exportAll(demo, '/v1/exports/data-inclusion/structures');
    const services = await exportAll(demo, '/v1/exports/data-inclusion/services');
    expect(structures.length).toBeGreaterThanOrEqual(200);
    expect(services.length).toBeGreaterThanOrEqual(300);
    const failures = [...failuresOf(officialValidator('structure.json'), structures), ...failuresOf(officialValidator('service.json'), services)];
    if (failures.length > 0) throw new Error(`${failures.length} of ${structures.length + services.length} objects do not validate:\n${failures.slice(0, 10).join('\n')}`);

    // The schemas let extra members through: the export writes the standard's fields only (no référents…).
    const allowed = (file: string) => new Set(Object.keys(officialSchema(file)['properties'] as Json));
    const outside = (items: Json[], file: string) => [...new Set(items.flatMap((item) => Object.keys(item).filter((key) => !allowed(file).has(key))))];
    expect(outside(structures, 'structure.json')).toEqual([]);
    expect(outside(services, 'service.json')).toEqual([]);
    // Every service points at an exported structure; the fields the issue found lost are there.
    const structureIds = new Set(structures.map((s) => s['id']));
    expect(services.filter((s) => !structureIds.has(s['structure_id']))).toEqual([]);
    expect(services.every((s) => typeof s['description'] === 'string' && s['type'] !== null)).toBe(true);
    expect(structures.filter((s) => s['horaires_accueil']).length).toBeGreaterThan(100);
    expect(structures.filter((s) => s['reseaux_porteurs']).length).toBeGreaterThan(50);
  }, 180_000);

  it('round-trips: the export imported into an empty directory exports the same documents', async () => {
    const structures = await exportAll(demo, '/v1/exports/data-inclusion/structures');
    const services = await exportAll(demo, '/v1/exports/data-inclusion/services');
    const page = (items: Json[]) => JSON.stringify({ items, total: items.length, page: 1, size: items.length, pages: 1 });
    const structureReport = await upload(empty, 'data-inclusion', page(structures), 'structures.json');
    expect(structureReport.rows.filter((r) => r.outcome === 'rejected')).toEqual([]);
    const serviceReport = await upload(empty, 'data-inclusion', page(services), 'services.json');
    expect(serviceReport.rows.filter((r) => r.outcome === 'rejected')).toEqual([]);

    expect(byId(await exportAll(empty, '/v1/exports/data-inclusion/structures'))).toEqual(byId(structures));
    expect(byId(await exportAll(empty, '/v1/exports/data-inclusion/services'))).toEqual(byId(services));
  }, 600_000);

  it('exports the lieux de médiation numérique that ANCT’s library validates, and imports them back', async () => {
    const response = await api(demo.url)('GET', '/v1/exports/lieux-mediation-numerique');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeTruthy();
    const lieux = response.body as SchemaLieuMediationNumerique[];
    expect(lieux.length).toBeGreaterThanOrEqual(50);
    const refused: string[] = [];
    for (const lieu of lieux) {
      try {
        fromSchemaLieuDeMediationNumerique(lieu);
      } catch (error) {
        refused.push(`${lieu.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(refused).toEqual([]);
    // What the library refused is left out of the export: the demo has no such lieu.
    expect((await demo.app.get(LmnExporter).exportWithReport()).leftOut).toEqual([]);
    expect(lieux.every((l) => typeof l.services === 'string' && l.services.length > 0)).toBe(true);

    const report = await upload(empty, 'lieux-mediation-numerique', JSON.stringify(lieux), 'lieux.json');
    expect(report.rows.filter((r) => r.outcome === 'rejected')).toEqual([]);
    expect(report.summary.created).toBe(lieux.length);
  }, 300_000);
});
