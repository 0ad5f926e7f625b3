import { MODULE_METADATA } from '@nestjs/common/constants';
import type { DynamicModule, Type } from '@nestjs/common';

/** A service's feature module, as its app module imports it. */
export type FeatureModule = Type | DynamicModule;

/**
 * The same module without its controllers, for a `consumers` process: its providers (event handlers,
 * jobs, what they use) are built as usual, but no route of the API exists, so the process answers
 * 404 to API calls and serves only the probes. The module's own controllers are left out; a feature
 * module that imports another module with controllers would keep that one's (none does: a service's
 * feature modules sit side by side under its app module).
 *
 * Nest reads a module's `@Module` metadata from its class and adds a dynamic module's on top, so a
 * controller cannot be taken away from the class itself: a class of the same name carries a copy of
 * the metadata, controllers aside.
 */
export function withoutControllers(feature: FeatureModule): DynamicModule {
  const dynamic: DynamicModule = 'module' in feature ? feature : { module: feature };
  const original = dynamic.module;
  const copy = class {};
  Object.defineProperty(copy, 'name', { value: original.name });
  for (const key of Reflect.getMetadataKeys(original) as unknown[]) {
    if (key === MODULE_METADATA.CONTROLLERS) continue;
    Reflect.defineMetadata(key, Reflect.getMetadata(key, original), copy);
  }
  return { ...dynamic, module: copy, controllers: [] };
}
