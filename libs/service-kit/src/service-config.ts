import { loadConfig, serviceConfigSchema, type ConfigOf, type ConfigSchema } from '@relais/platform';

type Source = Record<string, string | undefined>;

/** A service's configuration: the variables every service reads plus its own, read once at boot. */
export interface ServiceConfigDefinition<S extends ConfigSchema> {
  schema: typeof serviceConfigSchema & S;
  /** Reads the environment (or `source`), stopping with a message that names every bad variable. */
  read: (source?: Source) => ConfigOf<typeof serviceConfigSchema & S>;
}

/**
 * Declares a service's own variables on top of the shared ones. `adapt` rewrites the raw environment
 * first, for the rare variable an older install still sets under another name.
 */
export function serviceConfig<S extends ConfigSchema>(own: S, adapt: (source: Source) => Source = (source) => source): ServiceConfigDefinition<S> {
  const schema = { ...serviceConfigSchema, ...own };
  return { schema, read: (source = process.env) => loadConfig(schema, adapt(source)) };
}
