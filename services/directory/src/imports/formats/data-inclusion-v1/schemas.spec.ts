import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceSchema, structureSchema } from './schemas';

describe('data·inclusion v1 JSON Schemas', () => {
  it.each([
    ['structure.json', structureSchema],
    ['service.json', serviceSchema],
  ])('%s and its constant are the same document', (file, constant) => {
    expect(constant).toEqual(JSON.parse(readFileSync(join(__dirname, file), 'utf8')));
    expect(Object.keys(constant['properties'] as object).length).toBeGreaterThan(10);
  });
});
