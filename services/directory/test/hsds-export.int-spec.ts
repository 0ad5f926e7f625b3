import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestService } from '@relais/testing';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SeedService } from '../src/seed/seed.service';
import { api, startDirectory } from './support';

/**
 * Open Referral's own HSDS 3.0 schemas (test/standards/hsds-3.0, CC BY-SA 4.0) against what the
 * directory exports for the whole demo département: every service, every organization and every
 * service_at_location with its location, each validated on its own, and any error fails the test.
 */
type Json = Record<string, unknown>;

const schemaDir = join(__dirname, 'standards/hsds-3.0');
let officialSchemas: Ajv2020 | null = null;

function officialValidator(file: string): ValidateFunction {
  if (!officialSchemas) {
    // The files carry no $schema; their README names draft 2020-12. They also hold Frictionless Data
    // keywords (name, constraints, core, datapackage_metadata…) that ajv must ignore, not reject: strict off.
    // Each is registered under its file name, which is how they $ref one another.
    officialSchemas = new Ajv2020({ allErrors: true, strict: false });
    addFormats(officialSchemas);
    for (const name of readdirSync(schemaDir).filter((entry) => entry.endsWith('.json'))) {
      officialSchemas.addSchema(JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as Json, name);
    }
  }
  const validate = officialSchemas.getSchema(file);
  if (!validate) throw new Error(`HSDS schema ${file} missing from ${schemaDir}`);
  return validate;
}

interface Failure {
  kind: string;
  id: unknown;
  errors: ErrorObject[];
}

/** The first failures, one line per error, so a red test says what to fix. */
function readable(failures: Failure[], total: number): string {
  const lines = failures.slice(0, 5).flatMap((f) => [`${f.kind} ${String(f.id)}:`, ...f.errors.slice(0, 5).map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)]);
  return `${failures.length} of ${total} objects do not validate against HSDS 3.0:\n${lines.join('\n')}`;
}

describe('HSDS 3.0 export of the demo directory, checked with the official schemas', () => {
  let directory: TestService;

  beforeAll(async () => {
    directory = await startDirectory();
    await directory.app.get(SeedService).run();
  }, 180_000);

  afterAll(() => directory?.stop());

  it('validates every service, organization and location', async () => {
    const response = await api(directory.url)('GET', '/v1/exports/hsds');
    expect(response.status).toBe(200);
    const page = response.body as { total_items: number; contents: Json[] };
    expect(page.total_items).toBeGreaterThanOrEqual(300);

    const organizations = new Map<unknown, Json>();
    const serviceAtLocations: Json[] = [];
    const locations = new Set<unknown>();
    for (const service of page.contents) {
      const organization = service['organization'] as Json | undefined;
      if (organization) organizations.set(organization['id'], organization);
      for (const sal of (service['service_at_locations'] as Json[] | undefined) ?? []) {
        serviceAtLocations.push(sal);
        locations.add((sal['location'] as Json | undefined)?.['id']);
      }
    }
    expect(organizations.size).toBeGreaterThanOrEqual(200);
    expect(locations.size).toBeGreaterThanOrEqual(200);

    const failures: Failure[] = [];
    const check = (kind: string, validate: ValidateFunction, objects: Iterable<Json>) => {
      for (const object of objects) if (!validate(object)) failures.push({ kind, id: object['id'], errors: validate.errors ?? [] });
    };
    check('service', officialValidator('service.json'), page.contents);
    check('organization', officialValidator('organization.json'), organizations.values());
    check('service_at_location', officialValidator('service_at_location.json'), serviceAtLocations);
    const total = page.contents.length + organizations.size + serviceAtLocations.length;
    if (failures.length > 0) throw new Error(readable(failures, total));

    // What the schemas alone let through but the issue named: no null anywhere, numeric offsets, descriptions.
    expect(JSON.stringify(page)).not.toContain(':null');
    const schedules = serviceAtLocations.flatMap((sal) => ((sal['location'] as Json)['schedules'] as Json[] | undefined) ?? []);
    expect(schedules.length).toBeGreaterThan(0);
    expect(schedules.filter((s) => s['timezone'] !== 1 && s['timezone'] !== 2)).toEqual([]); // Paris: +1 in winter, +2 in summer
    expect([...organizations.values()].every((o) => typeof o['description'] === 'string' && o['description'] !== '')).toBe(true);
  }, 180_000);
});
