import 'reflect-metadata';
import type { EventPayload } from '@relais/contracts';
import { handledEventTypes, HandlesEvent, type EventContext } from './handles-event.decorator';

type ServiceSnapshot = EventPayload<'fr.relais.directory.service.snapshot.v1'>;
type StructureSnapshot = EventPayload<'fr.relais.directory.structure.snapshot.v1'>;

class Projector {
  @HandlesEvent('fr.relais.directory.service.snapshot.v1')
  async onService(_payload: ServiceSnapshot, _context: EventContext): Promise<void> {}

  @HandlesEvent('fr.relais.referral.referral.accepted.v1')
  @HandlesEvent('fr.relais.referral.referral.rejected.v1')
  async onDecision(_payload: EventPayload<'fr.relais.referral.referral.accepted.v1'>): Promise<void> {}

  async helper(): Promise<void> {}
}

describe('@HandlesEvent', () => {
  it('marks methods with the event types they handle', () => {
    expect(handledEventTypes(Projector.prototype.onService)).toEqual(['fr.relais.directory.service.snapshot.v1']);
    expect(handledEventTypes(Projector.prototype.onDecision).sort()).toEqual(['fr.relais.referral.referral.accepted.v1', 'fr.relais.referral.referral.rejected.v1']);
    expect(handledEventTypes(Projector.prototype.helper)).toEqual([]);
    expect(handledEventTypes(undefined)).toEqual([]);
  });

  it('does not compile on a payload of another event, a second parameter that is not the context, or a sync method', () => {
    // Type-level checks, enforced by `tsc` (the typecheck target); at run time these are ordinary methods.
    class Mistakes {
      // @ts-expect-error a structure snapshot is not a service snapshot
      @HandlesEvent('fr.relais.directory.service.snapshot.v1')
      async wrongPayload(_payload: StructureSnapshot): Promise<void> {}

      // @ts-expect-error the second parameter is the event context
      @HandlesEvent('fr.relais.directory.service.snapshot.v1')
      async wrongContext(_payload: ServiceSnapshot, _n: number): Promise<void> {}

      // @ts-expect-error handlers return a promise: the transaction waits for it
      @HandlesEvent('fr.relais.directory.service.snapshot.v1')
      synchronous(_payload: ServiceSnapshot): void {}
    }
    expect(handledEventTypes(Mistakes.prototype.wrongPayload)).toHaveLength(1);
  });
});
