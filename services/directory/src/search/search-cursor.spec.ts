import { DEMO_STRUCTURES } from '@relais/demo';
import { DomainError } from '@relais/platform';
import { decodeCursor, encodeCursor, queryFingerprint } from './search-cursor';
import { mask } from './search-index';
import { toPrefixTsquery } from './search.service';

describe('search cursor', () => {
  const id = DEMO_STRUCTURES.cafVannes.id;

  it('round-trips the sort key of the last result', () => {
    const fingerprint = queryFingerprint({ role: ['diagnostic'], commune: '56260', limit: 5, cursor: 'x' });
    expect(decodeCursor(encodeCursor([0, 3.14159, 1e9, id], fingerprint), fingerprint)).toEqual([0, 3.14159, 1e9, id]);
  });

  it('ignores cursor and limit in the fingerprint, not the filters', () => {
    expect(queryFingerprint({ role: ['diagnostic'], limit: 5 })).toBe(queryFingerprint({ role: ['diagnostic'], limit: 50, cursor: 'abc' }));
    expect(queryFingerprint({ role: ['diagnostic'] })).not.toBe(queryFingerprint({ role: ['formation'] }));
  });

  it('refuses a cursor of another search or a forged one as an invalid query', () => {
    const cursor = encodeCursor([0, 1, 1, id], queryFingerprint({ role: ['diagnostic'] }));
    for (const attempt of [() => decodeCursor(cursor, queryFingerprint({ role: ['formation'] })), () => decodeCursor('garbage', 'x')]) {
      expect(attempt).toThrow(DomainError);
      try {
        attempt();
      } catch (error) {
        expect((error as DomainError).code).toBe('invalid-query');
      }
    }
  });
});

describe('search building blocks', () => {
  it('turns free text into prefix terms, dropping punctuation', () => {
    expect(toPrefixTsquery("Démarches d'état, CAF!")).toBe("'démarches':* & 'd':* & 'état':* & 'caf':*");
    expect(toPrefixTsquery('!!!')).toBe('');
  });

  it('sets one bit per vocabulary value', () => {
    expect(mask('roles', ['diagnostic'])).toBe(1n);
    expect(mask('roles', ['diagnostic', 'formation'])).toBe(1n | 4n);
    expect(mask('modalities', ['a-domicile'])).toBe(4n);
  });

  it('offers the corrections of a misspelt word as alternatives to its prefix', () => {
    expect(toPrefixTsquery('Mediateque Vannes', new Map([['mediateque', ['mediatheque']]]))).toBe("('mediateque':* | 'mediatheque') & 'vannes':*");
  });
});
