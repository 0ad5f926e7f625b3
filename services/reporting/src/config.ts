import { env, type ConfigOf } from '@relais/platform';
import { serviceConfig } from '@relais/service-kit';

export const { schema: reportingConfigSchema, read: readConfig } = serviceConfig({
  /** A commune is covered for a role when a place of a service of that role lies within this distance (km) of it. */
  REPORTING_COVERAGE_RADIUS_KM: env.int({ default: 15, min: 1 }),
});

export type ReportingConfig = ConfigOf<typeof reportingConfigSchema>;

export const REPORTING_CONFIG = Symbol('REPORTING_CONFIG');
