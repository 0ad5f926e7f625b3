import type { HistoryEntryView } from './assessment.view';
import { progression } from './progression';

const entry = (id: string, level: HistoryEntryView['level'], score: number, barriers: HistoryEntryView['barriers'], domain: number): HistoryEntryView => ({
  assessmentId: id,
  completedAt: '2026-04-20T08:00:00.000Z',
  structureId: 's',
  level,
  score,
  domains: [{ id: 'communication', label: 'Courriel', score: domain, weight: 1 }],
  barriers,
  recommendedRoles: [],
  questionnaireVersion: '1',
});

describe('progression', () => {
  it('says what changed from one assessment to the next', () => {
    const steps = progression([entry('a', 'debutant', 30, ['equipement', 'confiance'], 20), entry('b', 'autonome', 85, ['confiance'], 100)]);
    expect(steps).toEqual([
      expect.objectContaining({ levelSteps: 2, scoreDelta: 55, domainDeltas: { communication: 80 }, barriersLifted: ['equipement'], barriersAppeared: [] }),
    ]);
    expect(steps[0]?.summary).toBe('La personne progresse de 2 niveaux (debutant → autonome), score +55, freins levés : equipement.');
  });

  it('has nothing to say about a single assessment', () => {
    expect(progression([entry('a', 'debutant', 30, [], 20)])).toEqual([]);
  });
});
