import type { ConfigOf } from '@relais/platform';
import { serviceConfig } from '@relais/service-kit';

export const { schema: reportingConfigSchema, read: readConfig } = serviceConfig({});

export type ReportingConfig = ConfigOf<typeof reportingConfigSchema>;
