import { autonomyLevels } from '@relais/contracts';
import type { Barrier } from '../rules/rules.types';
import type { HistoryEntryView, ProgressionStepView } from './assessment.view';

/** From one assessment to the next: steps on the scale, score and domains, barriers lifted or new. */
export function progression(history: readonly HistoryEntryView[]): ProgressionStepView[] {
  const steps: ProgressionStepView[] = [];
  for (let i = 1; i < history.length; i++) {
    const from = history[i - 1];
    const to = history[i];
    const levelSteps = autonomyLevels.indexOf(to.level) - autonomyLevels.indexOf(from.level);
    const domainDeltas: Record<string, number> = {};
    for (const domain of to.domains) {
      const before = from.domains.find((d) => d.id === domain.id);
      if (before) domainDeltas[domain.id] = domain.score - before.score;
    }
    const barriersLifted = from.barriers.filter((b): b is Barrier => !to.barriers.includes(b));
    const barriersAppeared = to.barriers.filter((b): b is Barrier => !from.barriers.includes(b));
    const scoreDelta = to.score - from.score;
    const movement =
      levelSteps > 0
        ? `progresse de ${levelSteps} niveau${levelSteps > 1 ? 'x' : ''} (${from.level} → ${to.level})`
        : levelSteps < 0
          ? `recule de ${-levelSteps} niveau${levelSteps < -1 ? 'x' : ''} (${from.level} → ${to.level})`
          : `reste au niveau ${to.level}`;
    const lifted = barriersLifted.length ? `, freins levés : ${barriersLifted.join(', ')}` : '';
    const appeared = barriersAppeared.length ? `, nouveaux freins : ${barriersAppeared.join(', ')}` : '';
    steps.push({
      fromAssessmentId: from.assessmentId,
      toAssessmentId: to.assessmentId,
      fromLevel: from.level,
      toLevel: to.level,
      levelSteps,
      scoreDelta,
      domainDeltas,
      barriersLifted,
      barriersAppeared,
      summary: `La personne ${movement}, score ${scoreDelta >= 0 ? '+' : ''}${scoreDelta}${lifted}${appeared}.`,
    });
  }
  return steps;
}
