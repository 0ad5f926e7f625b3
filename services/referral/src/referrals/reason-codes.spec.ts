import { reasonProblem } from './reason-codes';

describe('reason codes', () => {
  it('requires a listed reason to reject or to fail', () => {
    expect(reasonProblem('rejected', undefined, undefined)).toMatch(/demande un motif.*hors-perimetre/);
    expect(reasonProblem('failed', undefined, undefined)).toMatch(/absent-au-rendez-vous/);
    expect(reasonProblem('rejected', 'plus-de-capacite', undefined)).toBeNull();
    expect(reasonProblem('failed', 'abandon', undefined)).toBeNull();
  });

  it('refuses a code of another list, and any code where none applies', () => {
    expect(reasonProblem('rejected', 'abandon', undefined)).toMatch(/n'existe pas pour « rejected »/);
    expect(reasonProblem('accepted', 'hors-perimetre', undefined)).toMatch(/ne prend pas de motif/);
  });

  it('keeps reasons optional elsewhere', () => {
    expect(reasonProblem('cancelled', undefined, undefined)).toBeNull();
    expect(reasonProblem('received', undefined, 'vu')).toBeNull();
  });

  it('asks for a comment with « autre »', () => {
    expect(reasonProblem('rejected', 'autre', '  ')).toMatch(/commentaire/);
    expect(reasonProblem('rejected', 'autre', 'fermeture estivale')).toBeNull();
  });
});
