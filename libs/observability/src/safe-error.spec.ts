import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from './logger';
import { safeErrorSerializer, safeErrorText } from './safe-error';

/** Shaped like pg's DatabaseError; libs/platform/test/ fails real statements against PostgreSQL. */
function databaseError(message: string, fields: Record<string, string>): Error {
  return Object.assign(new Error(message), { severity: 'ERROR', routine: 'x', ...fields });
}

describe('safeErrorSerializer', () => {
  it('keeps an ordinary error whole: type, message, stack, own fields', () => {
    const error = Object.assign(new TypeError('offer not found'), { offerId: 'o-1' });
    expect(safeErrorSerializer(error)).toMatchObject({ type: 'TypeError', message: 'offer not found', offerId: 'o-1', stack: expect.stringContaining('offer not found') });
  });

  it('redacts a database error found as the cause of another, instead of folding its message into the outer one', () => {
    const cause = databaseError('invalid input syntax for type uuid: "Jeanne Dupont"', { code: '22P02', where: "unnamed portal parameter $1 = '...'" });
    const serialized = safeErrorSerializer(new Error('could not load the person', { cause })) as Record<string, unknown>;
    expect(serialized['message']).toBe('could not load the person');
    expect(serialized['cause']).toMatchObject({ code: '22P02', message: 'invalid input syntax for type uuid: "[masqué]"' });
    expect(JSON.stringify(serialized)).not.toMatch(/Jeanne/);
  });

  it('leaves quoted schema names readable and masks the rest', () => {
    const error = databaseError('null value in column "phone" of relation "person" violates not-null constraint', {
      code: '23502',
      column: 'phone',
      table: 'person',
      detail: 'Failing row contains (1, jeanne@example.fr, null).',
    });
    expect(safeErrorSerializer(error)).toEqual(
      expect.objectContaining({ message: 'null value in column "phone" of relation "person" violates not-null constraint', column: 'phone' }),
    );
    expect(safeErrorSerializer(error)).not.toHaveProperty('detail');
  });

  it('works on what pino-http already serialized, and drops statement parameters whatever the error', () => {
    const serialized = { type: 'Error', message: 'failed', parameters: ['jeanne@example.fr'] };
    expect(safeErrorSerializer(serialized)).toEqual({ type: 'Error', message: 'failed' });
    expect(safeErrorSerializer('plain text')).toBe('plain text');
  });

  it('gives the same redaction as text, for errors interpolated into a log line', () => {
    const failure = databaseError('invalid input syntax for type uuid: "Jeanne Dupont"', { code: '22P02' });
    expect(safeErrorText(Object.assign(failure, { parameters: ['Jeanne Dupont'] }))).toBe('[22P02] invalid input syntax for type uuid: "[masqué]"');
    expect(safeErrorText(databaseError('duplicate key value violates unique constraint "k"', { code: '23505', constraint: 'k' }))).toBe(
      '[23505 k] duplicate key value violates unique constraint "k"',
    );
    expect(safeErrorText(new Error('broker went away'))).toBe('broker went away');
    expect(safeErrorText('plain')).toBe('plain');
  });

  it('is the serializer of err and error in every service logger', () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const logger = pino(loggerOptions('referral', 'info'), stream);
    const failure = databaseError('duplicate key value violates unique constraint "person_email_key"', {
      code: '23505',
      constraint: 'person_email_key',
      detail: 'Key (email)=(jeanne@example.fr) already exists.',
    });
    logger.error({ err: Object.assign(failure, { parameters: ['jeanne@example.fr'] }) }, 'failed');
    logger.warn({ error: failure }, 'failed again');
    const text = chunks.join('');
    expect(text).not.toMatch(/jeanne/);
    expect(text.match(/"code":"23505"/g)).toHaveLength(2);
  });
});
