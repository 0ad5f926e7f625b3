import { env, loadConfig, type ConfigOf } from '@relais/platform';

/** What the orchestrator reads from the environment: where to listen, and which servers are external. */
export const localConfigSchema = {
  RELAIS_PORT: env.port({ default: 8080 }),
  DATABASE_URL: env.optionalString(),
  KAFKA_BROKERS: env.optionalString(),
  KAFKA_TOPIC_PREFIX: env.string({ default: '' }),
  OIDC_ISSUER: env.optionalString(),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const, { default: 'info' }),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.optionalString(),
  /**
   * Services to run as two processes, an `api` one behind the gateway and a `consumers` one (event
   * consumers, outbox relay, periodic jobs): `referral,diagnostic`, or `all`. Empty: one process each.
   */
  RELAIS_SPLIT_ROLES: env.optionalString(),
  /** The web workspace's header: the operator's name (a département, a network), and its logo's URL on this origin or elsewhere. */
  RELAIS_WEB_OPERATOR_NAME: env.string({ default: 'Département du Morbihan (démonstration)' }),
  RELAIS_WEB_OPERATOR_LOGO_URL: env.optionalString(),
  /** true only when a State service operates the instance: the DSFR's State brand (Marianne) then appears (docs/decisions/0006-web-brand.md). */
  RELAIS_WEB_STATE_SERVICE: env.bool({ default: false }),
  /** The département's commune outlines (GeoJSON, properties code and nom) for the offline map; default: the Morbihan's, bundled. */
  RELAIS_WEB_COMMUNES_GEOJSON: env.optionalString(),
  RELAIS_WEB_MAP_ATTRIBUTION: env.string({ default: 'IGN – Admin Express COG 2018, Licence Ouverte' }),
  /** Where data, logs and the demo accounts file go (default: .relais/ in the clone). */
  RELAIS_STATE_DIR: env.optionalString(),
};

export type LocalConfig = ConfigOf<typeof localConfigSchema>;

export function readLocalConfig(): LocalConfig {
  const config = loadConfig(localConfigSchema);
  if (config.DATABASE_URL) env.url({ protocols: ['postgres', 'postgresql'] })('DATABASE_URL', config.DATABASE_URL);
  if (config.OIDC_ISSUER) env.url({ protocols: ['http', 'https'] })('OIDC_ISSUER', config.OIDC_ISSUER);
  return config;
}

/** Fixed ports of the local platform, relative to the gateway's so two instances can coexist. */
export function localPorts(gateway: number) {
  return {
    gateway,
    services: {
      directory: gateway + 1,
      diagnostic: gateway + 2,
      referral: gateway + 3,
      notification: gateway + 4,
      reporting: gateway + 5,
    },
    /** The `consumers` processes of services split by RELAIS_SPLIT_ROLES (probes only). */
    consumers: {
      directory: gateway + 21,
      diagnostic: gateway + 22,
      referral: gateway + 23,
      notification: gateway + 24,
      reporting: gateway + 25,
    },
    /** Prometheus /metrics of each service's process (`all`, or `api` when split): never behind the gateway. */
    metrics: {
      directory: gateway + 31,
      diagnostic: gateway + 32,
      referral: gateway + 33,
      notification: gateway + 34,
      reporting: gateway + 35,
    },
    /** /metrics of the `consumers` processes of split services. */
    consumersMetrics: {
      directory: gateway + 41,
      diagnostic: gateway + 42,
      referral: gateway + 43,
      notification: gateway + 44,
      reporting: gateway + 45,
    },
    identity: gateway + 9,
    /** The local SMTP server, its web page (also at /mail/ on the gateway) and the SMS stand-in. */
    smtp: gateway + 1025,
    mailWeb: gateway + 1080,
    sms: gateway + 1090,
    postgres: gateway + 7432,
    kafka: gateway + 11092,
    kafkaController: gateway + 11093,
  } as const;
}
