import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MalformedFileError } from '../import-plan';
import { planDataInclusion } from './data-inclusion';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures', name), 'utf8');

describe('data·inclusion v1 import plan', () => {
  const rows = planDataInclusion(fixture('data-inclusion.json'));
  const byId = (sourceId: string) => {
    const row = rows.find((r) => r.sourceId === sourceId);
    if (!row) throw new Error(`no row ${sourceId}`);
    return row;
  };

  it('keeps every field of a structure that has a place, and notes those that have none', () => {
    const row = byId('dora:s-1');
    expect(row.problems).toEqual([]);
    expect(row.structure).toMatchObject({
      name: 'Espace numérique de Ménimur',
      siret: '21560260800018',
      typology: 'EPN',
      labels: ['aidants-connect'],
      description: expect.stringContaining('Ménimur'),
      contact: { email: 'epn.menimur@example.org', phone: '02 97 00 00 01', website: 'https://epn-menimur.example.org' },
      communeCode: '56260',
    });
    expect(row.lieu).toMatchObject({
      openingHours: 'Tu-Fr 14:00-18:00; Sa 10:00-12:00',
      accessibility: { acceslibreUrl: 'https://acceslibre.beta.gouv.fr/app/56-vannes/a/espace-numerique/erp/epn-menimur/' },
      latitude: 47.6642,
    });
    expect(row.notes).toEqual([expect.stringMatching(/^lien_source non repris/), expect.stringMatching(/^reseaux_porteurs « emmaus » non repris/)]);
    expect(byId('dora:s-2').structure?.typology).toBe('CCAS');
    // No réseau porteur: the name says it is an association.
    expect(byId('dora:s-3').structure?.typology).toBe('ASSO');
  });

  it('imports a structure whose hours cannot be read without them, and says so', () => {
    const row = byId('dora:s-3');
    expect(row.problems).toEqual([]);
    expect(row.lieu?.openingHours).toBeNull();
    expect(row.notes).toEqual([expect.stringMatching(/^horaires_accueil non repris : illisible au format OSM opening_hours/)]);
  });

  it('rejects a record that the official v1 schema refuses, with each error and its path', () => {
    expect(byId('dora:s-4').problems).toEqual(
      expect.arrayContaining(['schéma v1 : date_maj est obligatoire', 'schéma v1 : siret compte au moins 14 caractères', 'schéma v1 : courriel « pas-un-courriel » n’est pas au format email']),
    );
    expect(byId('dora:sv-4').problems).toEqual([
      'schéma v1 : thematiques/0 « numerique--realiser-des-demarches-administratives-avec-un-accompagnement » n’est pas une valeur du référentiel (69 valeurs permises, voir GET /api/directory/v1/vocabularies)',
      'schéma v1 : type « delegation » n’est pas une valeur du référentiel (6 valeurs permises, voir GET /api/directory/v1/vocabularies)',
    ]);
  });

  it('maps a service: description, type to roles, fees with their details, mobilisation, thématiques, publics', () => {
    const row = byId('dora:sv-1');
    expect(row.problems).toEqual([]);
    expect(row.services[0]).toMatchObject({
      atStructureLieu: true,
      input: {
        description: expect.stringContaining('médiateur'),
        roles: ['accompagnement'],
        thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'],
        publics: ['seniors', 'familles'],
        fees: ['payant'],
        feesDetails: '2 € la séance, gratuit pour les bénéficiaires du RSA',
        modalities: ['sur-place'],
        referralMethods: [
          { kind: 'email', value: 'aidants@example.org' },
          { kind: 'telephone', value: '02 97 00 00 02' },
        ],
      },
    });
    expect(row.notes).toEqual([expect.stringMatching(/^mobilisable_par non repris/), expect.stringMatching(/^conditions_acces non repris/)]);
    expect(byId('dora:sv-2').problems).toEqual([]);
    expect(byId('dora:sv-2').services[0]?.input).toMatchObject({ roles: ['orientation'], modalities: ['sur-place', 'a-distance'], publics: ['tous-publics'] });
    expect(byId('dora:sv-2').notes).toEqual([expect.stringMatching(/^modes_mobilisation « se-presenter » non repris/)]);
  });

  it('gives a service with its own address its own lieu', () => {
    const row = byId('dora:sv-5');
    expect(row.lieu).toMatchObject({ communeCode: '56243', openingHours: 'Mo 14:00-17:00', street: 'Place de la Mairie' });
    expect(row.services[0]).toMatchObject({ atStructureLieu: false, input: { roles: ['formation'], fees: ['gratuit'] } });
  });

  it('reads NDJSON, a page of the data·inclusion API and CSV alike', () => {
    const document = JSON.parse(fixture('data-inclusion.json')) as { structures: object[]; services: object[] };
    const records = [...document.structures, ...document.services];
    const summary = (planned: ReturnType<typeof planDataInclusion>) => planned.map((r) => [r.kind, r.sourceId, r.problems.length > 0]);
    const expected = summary(rows);
    expect(summary(planDataInclusion(records.map((r) => JSON.stringify(r)).join('\n')))).toEqual(expected);
    expect(summary(planDataInclusion(JSON.stringify({ items: records, total: records.length, page: 1, size: 100, pages: 1 })))).toEqual(expected);

    const csv = [
      'source,id,nom,date_maj,code_insee,code_postal,commune,adresse,reseaux_porteurs,horaires_accueil,latitude,longitude',
      'dora,c-1,Médiathèque de Séné,2026-11-02,56243,56860,Séné,Place de la Mairie,"[""communes""]",Mo-Sa 10:00-12:00,47.62,-2.73',
      'dora,c-2,Centre social de Kercado,2026-11-02,56260,56000,Vannes,Rue de Kercado,"{fcsf,conseillers-numeriques}",,,',
    ].join('\n');
    const fromCsv = planDataInclusion(csv, 'csv');
    expect(fromCsv.map((r) => [r.row, r.problems, r.structure?.typology, r.structure?.labels])).toEqual([
      [2, [], 'MUNI', []],
      [3, [], 'CS', ['conseiller-numerique']],
    ]);
    expect(fromCsv[0]?.lieu).toMatchObject({ latitude: 47.62, longitude: -2.73, openingHours: 'Mo-Sa 10:00-12:00' });
  });

  it('refuses a v0 file whole, saying it is v0 and that v1 is required', () => {
    expect(() => planDataInclusion(fixture('data-inclusion-v0.json'))).toThrow(MalformedFileError);
    expect(() => planDataInclusion(fixture('data-inclusion-v0.json'))).toThrow(/schéma data·inclusion v0 \(champs typologie, horaires_ouverture.*Relais lit la v1/);
  });
});
