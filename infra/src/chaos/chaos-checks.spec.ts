import { resentBeyondAllowance, type DuplicatedEmail } from './chaos-checks';

const copies = (...received: string[]): DuplicatedEmail => ({ messageId: `<${received.join()}@test>`, template: 'receiver-requested', received });

describe('emails sent twice beyond what a kill of notification allows', () => {
  const kill = new Date('2026-12-03T17:48:06.000Z');

  it('forgives the one message in flight at a kill: accepted just before it, sent again after the lease', () => {
    expect(resentBeyondAllowance([copies('2026-12-03T17:48:05.018Z', '2026-12-03T17:49:05.414Z')], [kill])).toBe(0);
  });

  it('forgives only one message per kill', () => {
    const two = [copies('2026-12-03T17:48:05.018Z', '2026-12-03T17:49:05.414Z'), copies('2026-12-03T17:48:04.500Z', '2026-12-03T17:49:05.500Z')];
    expect(resentBeyondAllowance(two, [kill])).toBe(1);
    expect(resentBeyondAllowance(two, [kill, new Date('2026-12-03T17:48:05.000Z')])).toBe(0);
  });

  it('counts a copy no kill explains: first sent long before or after any kill, or without a kill at all', () => {
    expect(resentBeyondAllowance([copies('2026-12-03T17:40:00.000Z', '2026-12-03T17:41:00.000Z')], [kill])).toBe(1);
    expect(resentBeyondAllowance([copies('2026-12-03T17:48:30.000Z', '2026-12-03T17:49:30.000Z')], [kill])).toBe(1);
    expect(resentBeyondAllowance([copies('2026-12-03T17:48:05.018Z', '2026-12-03T17:49:05.414Z')], [])).toBe(1);
  });

  it('counts every copy past the second: a kill explains one resend, not two', () => {
    expect(resentBeyondAllowance([copies('2026-12-03T17:48:05.018Z', '2026-12-03T17:49:05.414Z', '2026-12-03T17:50:05.000Z')], [kill])).toBe(1);
  });
});
