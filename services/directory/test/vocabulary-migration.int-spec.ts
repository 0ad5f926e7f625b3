import { randomUUID } from 'node:crypto';
import type { TestService } from '@relais/testing';
import { DataSource } from 'typeorm';
import { moveServicesToDataInclusionV1 } from '../migrations/1765100000000-data-inclusion-v1-vocabularies';
import { VocabularyUpgrade } from '../src/vocabularies/vocabulary-upgrade';
import { api, consumeTopics, eventually, startDirectory, tokens } from './support';

/**
 * Stored services move to data·inclusion v1's values (the migration's mapping, run on rows written with
 * the old values), then the next start rebuilds their search text and publishes their snapshots v2.
 */
describe('services moved to data·inclusion v1 vocabularies', () => {
  let directory: TestService;
  let call: ReturnType<typeof api>;
  let kafka: Awaited<ReturnType<typeof consumeTopics>>;
  let dataSource: DataSource;
  const structureId = randomUUID();
  const serviceId = randomUUID();
  const networkId = randomUUID();

  beforeAll(async () => {
    directory = await startDirectory();
    call = api(directory.url);
    dataSource = directory.app.get(DataSource);
    kafka = await consumeTopics(directory.env['KAFKA_TOPIC_PREFIX'] ?? '', ['relais.directory.service.v2']);
    const admin = await tokens.admin();
    const network = await call('POST', '/v1/networks', { token: admin, body: { id: networkId, name: 'Réseau migré', communeCodes: ['56260'] } });
    expect(network.status).toBe(201);
    const structure = await call('POST', '/v1/structures', { token: admin, body: { id: structureId, name: 'CCAS migré', typology: 'CCAS', networkIds: [networkId], communeCode: '56260' } });
    expect({ status: structure.status, body: structure.status === 201 ? 'ok' : structure.body }).toEqual({ status: 201, body: 'ok' });
    const service = await call('POST', '/v1/services', { token: admin, body: { id: serviceId, structureId, name: 'Démarches accompagnées', roles: ['accompagnement'] } });
    expect(service.status).toBe(201);
  });

  afterAll(async () => {
    await kafka?.stop();
    await directory?.stop();
  });

  it('maps thématiques, publics and fees old → new, keeps order, drops duplicates, grows the version', async () => {
    // The values the write API took before v1 (it refuses them now): written as the old release did.
    await dataSource.query(
      `UPDATE offer SET thematiques = $2, publics = $3, fees = $4, fees_details = NULL, search_text = 'ancien' WHERE id = $1`,
      [
        serviceId,
        ['numerique--realiser-des-demarches-administratives-avec-un-accompagnement', 'demarches--papiers', 'numerique--acceder-a-une-connexion-internet'],
        ['retraites', 'seniors', 'personnes-sans-domicile'],
        ['gratuit-sous-conditions', 'pass-numerique'],
      ],
    );
    const [before] = await dataSource.query<Array<{ version: number }>>(`SELECT version FROM offer WHERE id = $1`, [serviceId]);
    const runner = dataSource.createQueryRunner();
    try {
      await moveServicesToDataInclusionV1(runner);
    } finally {
      await runner.release();
    }
    const [after] = await dataSource.query<Array<{ thematiques: string[]; publics: string[]; fees: string[]; fees_details: string | null; version: number }>>(
      `SELECT thematiques, publics, fees, fees_details, version FROM offer WHERE id = $1`,
      [serviceId],
    );
    expect(after).toEqual({
      thematiques: [
        'numerique--acceder-a-des-services-en-ligne',
        'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives',
        'numerique--acceder-a-une-connexion-internet',
      ],
      publics: ['seniors', 'personnes-en-situation-durgence'],
      fees: ['gratuit', 'payant'],
      fees_details: 'Gratuit sous conditions ; Pass numérique accepté',
      version: before.version + 1,
    });
  });

  it('rebuilds the search text and publishes every service’s snapshot v2 once, at the next start', async () => {
    await dataSource.query(`INSERT INTO vocabulary_upgrade (name) VALUES ('data-inclusion-v1') ON CONFLICT DO NOTHING`);
    const round = await directory.app.get(VocabularyUpgrade).job.runOnce();
    expect(round).toEqual({ ran: true, result: expect.any(Number) as number });
    const [row] = await dataSource.query<Array<{ search_text: string }>>(`SELECT search_text FROM offer WHERE id = $1`, [serviceId]);
    expect(row?.search_text).toContain('Accéder à des services en ligne');
    expect(await dataSource.query(`SELECT name FROM vocabulary_upgrade`)).toEqual([]);
    await eventually(
      () => {
        const snapshot = kafka.events.filter((e) => e.key === serviceId).at(-1);
        expect(snapshot?.type).toBe('fr.relais.directory.service.snapshot.v2');
        expect(snapshot?.payload).toMatchObject({ publics: ['seniors', 'personnes-en-situation-durgence'], fees: ['gratuit', 'payant'], feesDetails: 'Gratuit sous conditions ; Pass numérique accepté' });
      },
      { timeoutMs: 30_000 },
    );
    // Nothing pending: the next start publishes nothing.
    expect(await directory.app.get(VocabularyUpgrade).job.runOnce()).toEqual({ ran: true, result: 0 });
    // The search finds the service by its new thématique.
    const found = (await call('GET', '/v1/services?thematique=difficultes-administratives-ou-juridiques&q=migr')).body as { items: Array<{ id: string }> };
    expect(found.items.map((item) => item.id)).toContain(serviceId);
  });
});
