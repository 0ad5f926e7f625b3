import { booleanFromQuery, listFromQuery } from './query-transforms';

describe('query transforms', () => {
  it('reads true and false, and leaves anything else for the validator to name', () => {
    expect(['true', 'false', 'yes', undefined].map((value) => booleanFromQuery({ value }))).toEqual([true, false, 'yes', undefined]);
  });

  it('reads repeated and comma-separated lists alike, an empty one as no filter', () => {
    expect(listFromQuery({ value: 'a, b,,c' })).toEqual(['a', 'b', 'c']);
    expect(listFromQuery({ value: ['a', 'b,c'] })).toEqual(['a', 'b', 'c']);
    expect(listFromQuery({ value: '' })).toBeUndefined();
  });
});
