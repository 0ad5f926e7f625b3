import type { EventPayload } from '@relais/contracts';
import type { EventPublisher } from '@relais/messaging';

type Outcome = EventPayload<'fr.relais.notification.delivery.outcome.v2'>;

/**
 * A message's fate, as the v2 event (with `bounced` and receipts) and, for the consumers of v1 while
 * they move, as v1 (where a bounce is a `failed`), in the same transaction.
 */
export async function publishOutcome(publisher: EventPublisher, outcome: Outcome): Promise<void> {
  await publisher.publish('fr.relais.notification.delivery.outcome.v2', outcome);
  await publisher.publish('fr.relais.notification.delivery.outcome.v1', { ...outcome, status: outcome.status === 'bounced' ? 'failed' : outcome.status });
}
