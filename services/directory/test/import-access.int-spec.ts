import { DEMO_NETWORKS } from '@relais/demo';
import { clientToken, type TestService } from '@relais/testing';
import { Client } from 'pg';
import { api, startDirectory, tokens } from './support';

interface Report {
  dryRun: boolean;
  summary: { total: number; created: number; updated: number; unchanged: number; rejected: number; withNotes: number };
  rows: Array<{ row: number; kind: string; sourceId: string; outcome: string; reasons?: string[] }>;
}

/** The demo networks' ids, as the coordinators' tokens carry them (infra/src/identity/demo-accounts.ts). */
const VANNES = DEMO_NETWORKS.vannes.id;
const LORIENT = DEMO_NETWORKS.lorient.id;

/** A data·inclusion v1 file: structures at a commune (INSEE code), services by their structure's id. */
function dataInclusion(structures: Array<{ id: string; nom: string; code_insee: string }>, services: Array<{ id: string; structure_id: string; nom: string }> = []): string {
  return JSON.stringify({
    structures: structures.map((s) => ({ source: 'dora', adresse: '1 place de la Mairie', date_maj: '2026-11-01', ...s })),
    services: services.map((s) => ({ source: 'dora', type: 'accompagnement', description: 'Un accompagnement pas à pas.', modes_accueil: ['en-presentiel'], date_maj: '2026-11-01', ...s })),
  });
}

describe('who may import what into the directory', () => {
  let directory: TestService;
  let db: Client;
  let call: ReturnType<typeof api>;
  let admin: string;
  let coordVannes: string;
  let coordLorient: string;

  const upload = async (content: string, token: string, query = '') => {
    const form = new FormData();
    form.append('file', new Blob([content]), 'annuaire.json');
    const response = await fetch(`${directory.url}/v1/imports/data-inclusion${query}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Report & { type?: string; detail?: string } };
  };
  const structureBySource = async (sourceId: string) =>
    (
      await db.query<{ id: string; name: string; network_ids: string[]; last_verified_by: string }>(
        `SELECT id, name, network_ids, last_verified_by FROM structure WHERE source = 'data-inclusion' AND source_id = $1`,
        [sourceId],
      )
    ).rows[0];
  const offerBySource = async (sourceId: string) =>
    (await db.query<{ id: string; structure_id: string; name: string }>(`SELECT id, structure_id, name FROM offer WHERE source = 'data-inclusion' AND source_id = $1`, [sourceId])).rows[0];
  const reasonsOf = (report: Report, row: number) => (report.rows.find((r) => r.row === row)?.reasons ?? []).join(' ; ');

  beforeAll(async () => {
    directory = await startDirectory();
    call = api(directory.url);
    db = new Client({ connectionString: directory.env['DATABASE_URL'] });
    await db.connect();
    admin = await tokens.admin();
    coordVannes = (await tokens.coordinator('coord.vannes')).token;
    coordLorient = (await tokens.coordinator('coord.lorient')).token;
    for (const network of [
      { id: VANNES, name: 'Pays de Vannes', communeCodes: ['56260', '56003'] },
      { id: LORIENT, name: 'Pays de Lorient', communeCodes: ['56121'] },
    ]) {
      expect((await call('POST', '/v1/networks', { token: admin, body: network })).status).toBe(201);
    }
    // The admin imports anything: a structure of Lorient with its service, the targets of the attempts below.
    const seeded = await upload(
      dataInclusion([{ id: 'lorient-1', nom: 'Maison des services de Lorient', code_insee: '56121' }], [{ id: 'lorient-sv', structure_id: 'lorient-1', nom: 'Aide aux démarches à Lorient' }]),
      admin,
    );
    expect(seeded.body.summary).toMatchObject({ created: 2, rejected: 0 });
  });

  afterAll(async () => {
    await db?.end();
    await directory?.stop();
  });

  it('imports a coordinator’s rows of its own networks and refuses, row by row, those of other networks', async () => {
    const file = dataInclusion(
      [
        { id: 'vannes-1', nom: 'Espace numérique de Vannes', code_insee: '56260' },
        { id: 'lorient-2', nom: 'Association du port de Lorient', code_insee: '56121' },
      ],
      [
        { id: 'vannes-sv', structure_id: 'vannes-1', nom: 'Atelier numérique à Vannes' },
        { id: 'lorient-2-sv', structure_id: 'lorient-2', nom: 'Atelier numérique à Lorient' },
      ],
    );
    const dryRun = await upload(file, coordVannes, '?dryRun=true');
    // A dry run refuses the same rows for the same reason, and writes nothing.
    expect(dryRun.body.rows.find((r) => r.row === 2)).toMatchObject({ outcome: 'rejected', reasons: [expect.stringMatching(/« Pays de Lorient ».*que vous ne coordonnez pas$/)] });
    expect(dryRun.body.rows.find((r) => r.row === 1)).toMatchObject({ outcome: 'created' });
    expect(await structureBySource('dora:vannes-1')).toBeUndefined();

    const { status, body: report } = await upload(file, coordVannes);
    expect(status).toBe(200);
    expect(report.summary).toEqual({ total: 4, created: 2, updated: 0, unchanged: 0, rejected: 2, withNotes: 0 });
    expect(report.rows.find((r) => r.row === 2)).toMatchObject({ sourceId: 'dora:lorient-2', outcome: 'rejected' });
    expect(reasonsOf(report, 2)).toBe(`la structure relèverait du réseau local « Pays de Lorient » (${LORIENT}), que vous ne coordonnez pas`);
    expect(report.rows.find((r) => r.row === 4)).toMatchObject({ sourceId: 'dora:lorient-2-sv', outcome: 'rejected' });
    expect(await structureBySource('dora:lorient-2')).toBeUndefined();
    expect(await offerBySource('dora:lorient-2-sv')).toBeUndefined();
    expect(await structureBySource('dora:vannes-1')).toMatchObject({ network_ids: [VANNES] });
    expect(await offerBySource('dora:vannes-sv')).toBeDefined();
  });

  it('refuses to update, move or take over a record of another network through a file', async () => {
    const target = await structureBySource('dora:lorient-1');
    const service = await offerBySource('dora:lorient-sv');
    // The same source id placed in a commune of Vannes: the row would move Lorient's structure into Vannes.
    const moved = await upload(dataInclusion([{ id: 'lorient-1', nom: 'Reprise par Vannes', code_insee: '56260' }]), coordVannes);
    expect(moved.body.summary).toMatchObject({ total: 1, rejected: 1 });
    expect(reasonsOf(moved.body, 1)).toBe(`la structure existante dora:lorient-1 relève du réseau local « Pays de Lorient » (${LORIENT}), que vous ne coordonnez pas`);
    // A service of Lorient named in a Vannes structure's file: the row would move it to Vannes.
    const takenOver = await upload(
      dataInclusion([{ id: 'vannes-1', nom: 'Espace numérique de Vannes', code_insee: '56260' }], [{ id: 'lorient-sv', structure_id: 'vannes-1', nom: 'Service détourné' }]),
      coordVannes,
    );
    expect(takenOver.body.summary).toMatchObject({ total: 2, unchanged: 1, rejected: 1 });
    expect(reasonsOf(takenOver.body, 2)).toMatch(/^le service existant dora:lorient-sv \(structure [0-9a-f-]{36}\) relève du réseau local « Pays de Lorient »/);
    expect(await structureBySource('dora:lorient-1')).toEqual(target);
    expect(await offerBySource('dora:lorient-sv')).toEqual(service);

    // Lorient's coordinator may: the record is its network's.
    const own = await upload(dataInclusion([{ id: 'lorient-1', nom: 'Maison France Services de Lorient', code_insee: '56121' }]), coordLorient);
    expect(own.body.summary).toMatchObject({ total: 1, updated: 1 });
    expect(await structureBySource('dora:lorient-1')).toMatchObject({ name: 'Maison France Services de Lorient', network_ids: [LORIENT] });
  });

  it('refuses a network parameter the coordinator does not coordinate, before reading any row', async () => {
    const refused = await upload(dataInclusion([{ id: 'vannes-2', nom: 'Tiers-lieu de Vannes', code_insee: '56260' }]), coordVannes, `?network=${LORIENT}`);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/Vous ne coordonnez pas le réseau local « Pays de Lorient »/);
    expect(await structureBySource('dora:vannes-2')).toBeUndefined();
  });

  it('refuses agents and integrations, even for their own network', async () => {
    const file = dataInclusion([{ id: 'vannes-3', nom: 'Médiathèque de Vannes', code_insee: '56260' }]);
    const agent = (await tokens.agent('agent.ccas-vannes')).token;
    const integration = (await clientToken((c) => c.clientId === 'caf-vannes-integration')).token;
    expect((await upload(file, agent)).status).toBe(403);
    expect((await upload(file, integration)).status).toBe(403);
    expect(await structureBySource('dora:vannes-3')).toBeUndefined();
  });

  it('records the importer’s scoped account and shows the public only that it was an import', async () => {
    const stored = await structureBySource('dora:vannes-1');
    expect(stored?.last_verified_by).toBe('import:data-inclusion:user:-:coord.vannes');
    const shown = (await call('GET', `/v1/structures/${stored?.id ?? ''}`)).body as { freshness: { lastVerifiedBy: string } };
    expect(shown.freshness.lastVerifiedBy).toBe('import:data-inclusion');
  });
});
