import { payloadProblems } from '../payload-validator';
import { networkSnapshot, serviceSnapshot, structureSnapshot } from './directory-snapshots';

describe('directory snapshot factories', () => {
  it('make payloads the catalog accepts, with fresh ids', () => {
    expect(payloadProblems('fr.relais.directory.network.snapshot.v1', networkSnapshot())).toEqual([]);
    expect(payloadProblems('fr.relais.directory.structure.snapshot.v1', structureSnapshot())).toEqual([]);
    expect(payloadProblems('fr.relais.directory.service.snapshot.v2', serviceSnapshot())).toEqual([]);
    expect(serviceSnapshot().serviceId).not.toBe(serviceSnapshot().serviceId);
  });

  it('take what a case is about from the caller', () => {
    expect(serviceSnapshot({ name: 'Atelier', version: 3 })).toMatchObject({ name: 'Atelier', version: 3, deleted: false });
  });
});
