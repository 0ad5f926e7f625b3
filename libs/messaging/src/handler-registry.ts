import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { eventDefinition, type EventType } from '@relais/contracts';
import { handledEventTypes, type EventContext } from './handles-event.decorator';

export interface RegisteredHandler {
  type: EventType;
  /** Class.method, for logs and dead-letter headers. */
  name: string;
  invoke(payload: unknown, context: EventContext): Promise<void>;
}

/** The @HandlesEvent methods of the application's providers, found once at bootstrap. */
@Injectable()
export class HandlerRegistry {
  private readonly byType = new Map<EventType, RegisteredHandler[]>();
  private discovered = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  discover(): void {
    if (this.discovered) return;
    this.discovered = true;
    // A provider exported through several modules shows up once per module: its handlers count once.
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object | null;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn: unknown = (instance as Record<string, unknown>)[method];
        const types = handledEventTypes(fn);
        if (types.length === 0) continue;
        if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
          // A request-scoped or transient provider has no single instance to call for a Kafka record.
          throw new Error(`@HandlesEvent on ${wrapper.name}.${method}: event handlers must be singleton providers`);
        }
        for (const type of types) {
          this.register({
            type,
            name: `${instance.constructor.name}.${method}`,
            invoke: (payload, context) => (fn as (p: unknown, c: EventContext) => Promise<void>).call(instance, payload, context),
          });
        }
      }
    }
  }

  register(handler: RegisteredHandler): void {
    const handlers = this.byType.get(handler.type) ?? [];
    handlers.push(handler);
    this.byType.set(handler.type, handlers);
  }

  handlersOf(type: EventType): RegisteredHandler[] {
    return this.byType.get(type) ?? [];
  }

  handledTypes(): EventType[] {
    return [...this.byType.keys()];
  }

  /** The catalog topics that carry the handled types. */
  consumedTopics(): string[] {
    return [...new Set(this.handledTypes().map((type) => eventDefinition(type).topic))];
  }
}
