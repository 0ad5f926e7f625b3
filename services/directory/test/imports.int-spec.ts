import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestService } from '@relais/testing';
import { scheduleUtcOffset } from '../src/imports/hsds-export';
import { OpeningIntervals } from '../src/lieux/opening-intervals';
import { api, startDirectory, tokens } from './support';

interface Report {
  dryRun: boolean;
  summary: { total: number; created: number; updated: number; unchanged: number; rejected: number; withNotes: number };
  rows: Array<{ row: number; kind: string; sourceId: string; outcome: string; reasons?: string[]; notes?: string[] }>;
}

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

describe('directory imports and exports', () => {
  let directory: TestService;
  let call: ReturnType<typeof api>;
  let admin: string;
  const vannes = randomUUID();

  const upload = async (format: string, file: string, query = '', token: string | null = admin) => {
    const form = new FormData();
    form.append('file', new Blob([fixture(file)]), file);
    const response = await fetch(`${directory.url}/v1/imports/${format}${query}`, {
      method: 'POST',
      body: form,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const body: unknown = await response.json();
    return { status: response.status, body };
  };
  const serviceCount = async () => ((await call('GET', '/v1/services?limit=100')).body as { items: unknown[] }).items.length;

  beforeAll(async () => {
    directory = await startDirectory();
    call = api(directory.url);
    admin = await tokens.admin();
    const network = await call('POST', '/v1/networks', { token: admin, body: { id: vannes, name: 'Pays de Vannes', communeCodes: ['56260', '56003', '56243'] } });
    expect(network.status).toBe(201);
  });

  afterAll(() => directory?.stop());

  it('imports data·inclusion v1 row by row: rows the official schema refuses are rejected with their paths, fields without a place are noted', async () => {
    const { status, body } = await upload('data-inclusion', 'data-inclusion.json');
    expect(status).toBe(200);
    const report = body as Report;
    expect(report.summary).toEqual({ total: 9, created: 6, updated: 0, unchanged: 0, rejected: 3, withNotes: 4 });
    const rejected = Object.fromEntries(report.rows.filter((r) => r.outcome === 'rejected').map((r) => [r.row, (r.reasons ?? []).join(' ; ')]));
    expect(rejected[4]).toMatch(/schéma v1 : date_maj est obligatoire.*schéma v1 : siret/);
    expect(rejected[7]).toMatch(/structure dora:s-4 non importée/);
    expect(rejected[8]).toMatch(/schéma v1 : thematiques\/0 « numerique--realiser-des-demarches-administratives-avec-un-accompagnement ».*schéma v1 : type « delegation »/);
    const notes = Object.fromEntries(report.rows.filter((r) => r.notes).map((r) => [r.row, (r.notes ?? []).join(' ; ')]));
    expect(notes[3]).toMatch(/horaires_accueil non repris : illisible/);
    expect(notes[1]).toMatch(/reseaux_porteurs « emmaus » non repris/);

    const found = (await call('GET', '/v1/services?q=demarches%20en%20ligne&commune=56260')).body as { items: Array<{ id: string; name: string }> };
    expect(found.items.map((i) => i.name)).toEqual(['Accompagnement aux démarches en ligne']);
    const service = (await call('GET', `/v1/services/${found.items[0]?.id}`)).body;
    expect(service).toMatchObject({
      description: expect.stringContaining('médiateur'),
      roles: ['accompagnement'],
      thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'],
      publics: ['seniors', 'familles'],
      fees: ['payant'],
      feesDetails: '2 € la séance, gratuit pour les bénéficiaires du RSA',
      referralMethods: [
        { kind: 'email', value: 'aidants@example.org' },
        { kind: 'telephone', value: '02 97 00 00 02' },
      ],
      source: 'data-inclusion',
      structure: { typology: 'EPN', labels: ['aidants-connect'] },
      freshness: { lastVerifiedAt: '2026-10-15T00:00:00.000Z' },
      lieux: [{ communeCode: '56260', openingHours: 'Tu-Fr 14:00-18:00; Sa 10:00-12:00' }],
    });
    const structure = (await call('GET', `/v1/structures/${(service as { structureId: string }).structureId}`)).body;
    expect(structure).toMatchObject({ description: expect.stringContaining('Ménimur'), siret: '21560260800018' });
    const arradon = (await call('GET', '/v1/services?q=accueil%20social')).body as { items: Array<{ roles: string[]; nearestLieu: { communeCode: string } }> };
    expect(arradon.items[0]).toMatchObject({ roles: ['orientation'], nearestLieu: { communeCode: '56003' } });
    // A service with its own address is at its own lieu, under its structure.
    const sene = (await call('GET', '/v1/services?q=atelier%20tablette')).body as { items: Array<{ id: string }> };
    expect((await call('GET', `/v1/services/${sene.items[0]?.id}`)).body).toMatchObject({ roles: ['formation'], lieux: [{ communeCode: '56243', openingHours: 'Mo 14:00-17:00' }] });
  });

  it('refuses a data·inclusion v0 file whole, saying v1 is required', async () => {
    const before = await serviceCount();
    const { status, body } = await upload('data-inclusion', 'data-inclusion-v0.json');
    expect(status).toBe(422);
    expect((body as { detail: string }).detail).toMatch(/schéma data·inclusion v0 .*Relais lit la v1/);
    expect(await serviceCount()).toBe(before);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await serviceCount();
    const report = (await upload('data-inclusion', 'data-inclusion.json')).body as Report;
    expect(report.summary).toEqual({ total: 9, created: 0, updated: 0, unchanged: 6, rejected: 3, withNotes: 4 });
    expect(await serviceCount()).toBe(before);
  });

  it('refuses a malformed file whole, writing nothing', async () => {
    const before = await serviceCount();
    const { status, body } = await upload('data-inclusion', 'malformed.json');
    expect(status).toBe(422);
    expect(body).toMatchObject({ type: 'urn:relais:problem:unprocessable', errors: [{ field: 'file' }] });
    expect((body as { detail: string }).detail).toMatch(/JSON/);
    expect((await upload('lieux-mediation-numerique', 'data-inclusion.json')).status).toBe(422);
    expect((await upload('inconnu', 'data-inclusion.json')).status).toBe(400);
    expect(await serviceCount()).toBe(before);
  });

  it('imports the Lieux de médiation numérique CSV, checked by ANCT’s library', async () => {
    const dry = (await upload('lieux-mediation-numerique', 'lieux-mediation-numerique.csv', '?dryRun=true')).body as Report;
    expect(dry).toMatchObject({ dryRun: true, summary: { total: 3, created: 1, rejected: 2 } });
    expect(((await call('GET', '/v1/services?q=grain%20sel')).body as { items: unknown[] }).items).toEqual([]);

    const report = (await upload('lieux-mediation-numerique', 'lieux-mediation-numerique.csv')).body as Report;
    expect(report.summary).toEqual({ total: 3, created: 1, updated: 0, unchanged: 0, rejected: 2, withNotes: 0 });
    const byRow = Object.fromEntries(report.rows.map((r) => [r.row, r]));
    expect(byRow[2]?.outcome).toBe('created');
    expect(byRow[3]?.reasons?.join()).toMatch(/code postal 5600/);
    expect(byRow[4]?.reasons?.join()).toMatch(/horaires illisibles/);
    const found = (await call('GET', '/v1/services?q=grain%20sel')).body as { items: Array<{ id: string }> };
    expect((await call('GET', `/v1/services/${found.items[0]?.id}`)).body).toMatchObject({
      roles: ['acces-libre', 'formation', 'equipement'],
      publics: ['seniors'],
      accessibilityFeatures: ['surdite'],
      fees: ['gratuit'],
      structure: { typology: 'BIB', labels: ['conseiller-numerique'] },
    });
    expect(((await upload('lieux-mediation-numerique', 'lieux-mediation-numerique.csv')).body as Report).summary).toMatchObject({ created: 0, unchanged: 1, rejected: 2 });
  });

  it('lets only admins and coordinators import', async () => {
    expect((await upload('data-inclusion', 'data-inclusion.json', '', null)).status).toBe(401);
    const agent = (await tokens.agent('agent.ccas-vannes')).token;
    expect((await upload('data-inclusion', 'data-inclusion.json', '', agent)).status).toBe(403);
  });

  it('exports the directory as Open Referral HSDS 3', async () => {
    const response = await call('GET', '/v1/exports/hsds');
    expect(response.status).toBe(200);
    const page = response.body as { total_items: number; contents: Array<Record<string, unknown>> };
    expect(page.total_items).toBe(4); // three data·inclusion services and the LMN lieu's
    const aidant = page.contents.find((s) => s['name'] === 'Accompagnement aux démarches en ligne');
    expect(aidant).toMatchObject({
      status: 'active',
      email: 'aidants@example.org',
      organization: { name: 'Espace numérique de Ménimur', tax_id: '21560260800018', organization_identifiers: [{ identifier_scheme: 'FR-SIRET' }] },
      service_at_locations: [
        {
          location: {
            location_type: 'physical',
            addresses: [{ city: 'Vannes', postal_code: '56000', country: 'FR', state_province: '56' }],
            schedules: expect.arrayContaining([{ id: expect.any(String), location_id: expect.any(String), freq: 'WEEKLY', byday: 'TU', opens_at: '14:00', closes_at: '18:00', timezone: scheduleUtcOffset(OpeningIntervals.referenceDay(), 1, 14 * 60), description: 'Tu-Fr 14:00-18:00; Sa 10:00-12:00' }]),
          },
        },
      ],
      languages: [{ code: 'fr', name: 'français' }],
    });
    expect((aidant?.['attributes'] as Array<{ taxonomy_term: { code: string } }>).map((a) => a.taxonomy_term.code)).toEqual(
      expect.arrayContaining(['accompagnement', 'numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives']),
    );
  });
});
