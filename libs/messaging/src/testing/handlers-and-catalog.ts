import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventCatalog, type EventType, type Publisher } from '@relais/contracts';
import { handledEventTypes } from '../handles-event.decorator';

/** Files of a service's source that are not part of its running code, or that start it when loaded. */
const NOT_LOADED = /(\.spec\.ts|\.d\.ts|[/\\]main\.ts)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !NOT_LOADED.test(path) ? [path] : [];
  });
}

/**
 * The event types handled by `@HandlesEvent` methods of the classes exported from the `.ts` files under
 * `sourceDir` (its specs and main.ts left out), read from the decorator's metadata as the handler registry
 * reads it at run time: type → `Class.method` names. Loads every file, so only for a service's unit tests.
 */
export function declaredHandlers(sourceDir: string): Map<EventType, string[]> {
  const handlers = new Map<EventType, string[]>();
  for (const file of sourceFiles(sourceDir)) {
    // require, not import(): jest compiles what require loads; the modules are the service's own sources.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(file) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (typeof value !== 'function' || !value.prototype) continue;
      const prototype = value.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        if (method === 'constructor') continue;
        const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
        for (const type of handledEventTypes(descriptor?.value)) {
          const names = handlers.get(type) ?? [];
          names.push(`${value.name}.${method}`);
          handlers.set(type, names);
        }
      }
    }
  }
  return handlers;
}

/**
 * Where the catalog and a service's handlers disagree, one sentence each (none when they agree): a
 * handled type whose definition does not list the service among its consumers (its broker principal may
 * not read the topic, the AsyncAPI page is wrong), and a listed consumer without a handler.
 */
export function catalogDisagreements(service: Publisher, handlers: Map<EventType, string[]>): string[] {
  const listed = (Object.keys(eventCatalog) as EventType[]).filter((type) => (eventCatalog[type].consumers as readonly Publisher[]).includes(service));
  return [
    ...[...handlers]
      .filter(([type]) => !listed.includes(type))
      .map(([type, names]) => `${names.join(', ')} handle${names.length > 1 ? '' : 's'} ${type}, whose catalog entry does not list ${service} among its consumers`),
    ...listed.filter((type) => !handlers.has(type)).map((type) => `the catalog lists ${service} among the consumers of ${type}, which it has no handler for`),
  ];
}
