import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frais, modesAccueil, modesMobilisation, publics, thematiques, typesDeServices, type ReferentielEntry } from './data-inclusion-v1';

interface FileEntry {
  value: string;
  label: string;
  description: string | null;
}

const constants: Record<string, readonly ReferentielEntry[]> = {
  'thematiques.json': thematiques,
  'types-de-services.json': typesDeServices,
  'publics.json': publics,
  'frais.json': frais,
  'modes-accueil.json': modesAccueil,
  'modes-mobilisation.json': modesMobilisation,
};

describe('data·inclusion v1 référentiels', () => {
  it.each(Object.keys(constants))('%s and its constant hold the same entries, in order', (file) => {
    const entries = JSON.parse(readFileSync(join(__dirname, file), 'utf8')) as FileEntry[];
    const expected = entries.map(({ value, label, description }) => (description === null ? { value, label } : { value, label, description }));
    expect(constants[file]).toEqual(expected);
    expect(entries.length).toBeGreaterThan(1);
  });
});
