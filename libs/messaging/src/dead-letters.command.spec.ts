import { DeadLettersUsageError, parseDeadLettersCommand } from './dead-letters.command';

describe('dead-letters command line', () => {
  it('reads list options', () => {
    expect(parseDeadLettersCommand(['list'])).toEqual({ action: 'list', options: { limit: 50, includeRedriven: false } });
    expect(parseDeadLettersCommand(['list', '--topic', 'relais.referral.referral.v1', '--limit', '5', '--include-redriven'])).toEqual({
      action: 'list',
      options: { topic: 'relais.referral.referral.v1', limit: 5, includeRedriven: true },
    });
  });

  it('reads a redrive of everything or of some ids', () => {
    expect(parseDeadLettersCommand(['redrive', '--all'])).toEqual({ action: 'redrive', selection: { all: true } });
    expect(parseDeadLettersCommand(['redrive', 'a.dlt:0:1', 'a.dlt:0:2'])).toEqual({ action: 'redrive', selection: { ids: ['a.dlt:0:1', 'a.dlt:0:2'] } });
    expect(parseDeadLettersCommand(['redrive', '--all', '--topic', 't'])).toEqual({ action: 'redrive', selection: { all: true, topic: 't' } });
  });

  it('refuses what it does not understand, with the usage', () => {
    for (const args of [[], ['purge'], ['list', '--limit', '0'], ['list', '--limit'], ['list', '--colour', 'red'], ['redrive'], ['redrive', '--all', 'x'], ['list', 'x']]) {
      expect(() => parseDeadLettersCommand(args)).toThrow(DeadLettersUsageError);
    }
    expect(() => parseDeadLettersCommand(['redrive'])).toThrow(/usage:\n {2}dead-letters list/);
  });
});
