import { env, type ConfigOf } from '@relais/platform';
import { serviceConfig } from '@relais/service-kit';

export const { schema: directoryConfigSchema, read: readConfig } = serviceConfig({
  /** The département this instance serves (one instance per département). */
  DIRECTORY_DEPARTMENT: env.string({ default: '56' }),
  /** A record not confirmed for longer than this is flagged stale and its structure reminded. */
  DIRECTORY_FRESHNESS_MAX_AGE_DAYS: env.int({ default: 180, min: 1, max: 3650 }),
  /** A structure is reminded again at most this often while its records stay stale. */
  DIRECTORY_REMINDER_INTERVAL_DAYS: env.int({ default: 30, min: 1, max: 365 }),
  /** How often the periodic work runs (freshness sweep, opening-interval refresh); 0 turns it off. */
  DIRECTORY_SWEEP_INTERVAL_SECONDS: env.int({ default: 3600, min: 0, max: 86_400 }),
});

export type DirectoryConfig = ConfigOf<typeof directoryConfigSchema>;

/** The options of the directory's own providers, derived from its config once. */
export interface DirectoryOptions {
  department: string;
  freshnessMaxAgeDays: number;
  reminderIntervalDays: number;
  sweepIntervalSeconds: number;
}

export const DIRECTORY_OPTIONS = Symbol('DIRECTORY_OPTIONS');

export function directoryOptions(config: DirectoryConfig): DirectoryOptions {
  return {
    department: config.DIRECTORY_DEPARTMENT,
    freshnessMaxAgeDays: config.DIRECTORY_FRESHNESS_MAX_AGE_DAYS,
    reminderIntervalDays: config.DIRECTORY_REMINDER_INTERVAL_DAYS,
    sweepIntervalSeconds: config.DIRECTORY_SWEEP_INTERVAL_SECONDS,
  };
}
