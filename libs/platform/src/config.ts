import type { AdmissionSettings } from './admission';
import { serviceRoles } from './service-role';

/**
 * Configuration is read from the environment once, at boot, into a typed object.
 * A missing or malformed variable stops the process with a message that names it:
 * nothing else in the code base reads process.env.
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Reader<T> = (name: string, raw: string | undefined) => T;

interface Options<T> {
  default?: T;
}

function required<T>(name: string, raw: string | undefined, options: Options<T>, parse: (raw: string) => T): T {
  if (raw === undefined || raw.trim() === '') {
    if (options.default !== undefined) return options.default;
    throw new Error(`${name} est obligatoire mais absente`);
  }
  return parse(raw.trim());
}

export const env = {
  string:
    (options: Options<string> = {}): Reader<string> =>
    (name, raw) =>
      required(name, raw, options, (v) => v),

  optionalString:
    (): Reader<string | undefined> =>
    (_name, raw) =>
      raw === undefined || raw.trim() === '' ? undefined : raw.trim(),

  port:
    (options: Options<number> = {}): Reader<number> =>
    (name, raw) =>
      required(name, raw, options, (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}="${v}" n'est pas un port (1-65535)`);
        return n;
      }),

  int:
    (options: Options<number> & { min?: number; max?: number } = {}): Reader<number> =>
    (name, raw) =>
      required(name, raw, options, (v) => {
        const n = Number(v);
        if (!Number.isInteger(n)) throw new Error(`${name}="${v}" n'est pas un entier`);
        if (options.min !== undefined && n < options.min) throw new Error(`${name}=${n} est inférieur à ${options.min}`);
        if (options.max !== undefined && n > options.max) throw new Error(`${name}=${n} est supérieur à ${options.max}`);
        return n;
      }),

  url:
    (options: Options<string> & { protocols?: string[] } = {}): Reader<string> =>
    (name, raw) =>
      required(name, raw, options, (v) => {
        let url: URL;
        try {
          url = new URL(v);
        } catch {
          throw new Error(`${name}="${redact(v)}" n'est pas une URL valide`);
        }
        if (options.protocols && !options.protocols.includes(url.protocol.replace(/:$/, ''))) {
          throw new Error(`${name} doit utiliser ${options.protocols.join(' ou ')} (reçu ${url.protocol})`);
        }
        return v;
      }),

  list:
    (options: Options<string[]> = {}): Reader<string[]> =>
    (name, raw) =>
      required(name, raw, options, (v) => {
        const items = v.split(',').map((s) => s.trim()).filter(Boolean);
        if (items.length === 0) throw new Error(`${name} est vide`);
        return items;
      }),

  oneOf:
    <const V extends string>(values: readonly V[], options: Options<V> = {}): Reader<V> =>
    (name, raw) =>
      required(name, raw, options, (v) => {
        if (!(values as readonly string[]).includes(v)) throw new Error(`${name}="${v}" doit valoir ${values.join(', ')}`);
        return v as V;
      }),

  pattern:
    (pattern: RegExp, meaning: string, options: Options<string> = {}): Reader<string> =>
    (name, raw) =>
      required(name, raw, options, (v) => {
        if (!pattern.test(v)) throw new Error(`${name}="${v}" doit être ${meaning}`);
        return v;
      }),

  bool:
    (options: Options<boolean> = {}): Reader<boolean> =>
    (name, raw) =>
      required(name, raw, options, (v) => {
        if (['true', '1', 'yes'].includes(v)) return true;
        if (['false', '0', 'no'].includes(v)) return false;
        throw new Error(`${name}="${v}" doit valoir true ou false`);
      }),
};

/** Hides credentials of URLs in error messages. */
function redact(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//***@');
}

export type ConfigSchema = Record<string, Reader<unknown>>;
export type ConfigOf<S extends ConfigSchema> = { readonly [K in keyof S]: ReturnType<S[K]> };

/** Reads every variable of the schema, collecting all problems before failing. */
export function loadConfig<S extends ConfigSchema>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): ConfigOf<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(schema)) {
    try {
      values[name] = read(name, source[name]);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length === 0) problems.push(...instanceRules.flatMap((rule) => rule(values)));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as ConfigOf<S>;
}

/**
 * Rules that tie variables together, checked once every variable parsed. Each applies only when its
 * variables are in the schema being read, so a tool with a schema of its own is not held to them.
 */
const instanceRules: Array<(values: Record<string, unknown>) => string[]> = [
  // Tokens and discovery travel over this URL: in clear text, anyone on the path could swap the keys.
  (values) => {
    const issuer = values['OIDC_ISSUER'];
    if (typeof issuer !== 'string' || !('RELAIS_ENVIRONMENT' in values)) return [];
    if (values['RELAIS_ENVIRONMENT'] === 'development' || new URL(issuer).protocol === 'https:') return [];
    return [`OIDC_ISSUER doit utiliser https hors développement (reçu ${redact(issuer)} ; RELAIS_ENVIRONMENT=development l'autorise en local)`];
  },
  // The broker would create such topics, then refuse every write to them.
  (values) => {
    const replication = values['KAFKA_REPLICATION_FACTOR'];
    const insync = values['KAFKA_MIN_INSYNC_REPLICAS'];
    if (typeof replication !== 'number' || typeof insync !== 'number' || replication === 0 || insync <= replication) return [];
    return [`KAFKA_MIN_INSYNC_REPLICAS (${insync}) dépasse KAFKA_REPLICATION_FACTOR (${replication}) : aucune écriture ne serait jamais acquittée`];
  },
];

/** The variables every Relais service reads. Each service adds its own to this schema. */
export const serviceConfigSchema = {
  PORT: env.port(),
  HOST: env.string({ default: '127.0.0.1' }),
  /** Where Prometheus scrapes /metrics (on HOST), apart from the API so the gateway never exposes it; 0: not served. */
  METRICS_PORT: env.int({ default: 0, min: 0, max: 65535 }),
  DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
  KAFKA_BROKERS: env.list(),
  KAFKA_TOPIC_PREFIX: env.string({ default: '' }),
  /**
   * The service's own Kafka principal (SASL/SCRAM-SHA-512), whose ACLs let it write only its own topics;
   * both or neither: without them the client connects without SASL (a cluster without authentication).
   */
  KAFKA_SASL_USERNAME: env.optionalString(),
  KAFKA_SASL_PASSWORD: env.optionalString(),
  /** TLS to the brokers (an external cluster). */
  KAFKA_SSL: env.bool({ default: false }),
  /**
   * The layout of the topics a service creates (existing topics are left as they are): partitions of
   * main and retry topics, copies of each partition, and copies that must have a write before it is
   * acknowledged. 0 keeps the default: the catalog's count, the broker's default.replication.factor and
   * min.insync.replicas. A three-broker cluster: 3 and 2 (docs/operations.md).
   */
  KAFKA_TOPIC_PARTITIONS: env.int({ default: 0, min: 0, max: 1000 }),
  KAFKA_REPLICATION_FACTOR: env.int({ default: 0, min: 0, max: 16 }),
  KAFKA_MIN_INSYNC_REPLICAS: env.int({ default: 0, min: 0, max: 16 }),
  OIDC_ISSUER: env.url({ protocols: ['http', 'https'] }),
  OIDC_AUDIENCE: env.string({ default: 'relais-api' }),
  /** The département this instance serves (INSEE code: 56, 2A, 971…): tokens of another one are refused. */
  RELAIS_DEPARTMENT: env.pattern(/^(\d{2}|2[AB]|97\d)$/, 'un code de département INSEE (56, 2A, 971…)'),
  /**
   * `development` relaxes what only a laptop needs (an http issuer, webhooks to loopback); anything else is
   * `production`, the default, so a forgotten variable never weakens a real instance.
   */
  RELAIS_ENVIRONMENT: env.oneOf(['production', 'development'] as const, { default: 'production' }),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info' }),
  /** What this process runs: `all`, `api` (HTTP only) or `consumers` (consumers, relay, periodic jobs); service-role.ts. */
  RELAIS_SERVICE_ROLE: env.oneOf(serviceRoles, { default: 'all' }),
  /**
   * Token buckets on authenticated writes, per caller and per process (docs/security.md, "Write rate
   * limits", for why these figures). Users (sub + structure) are people behind the web workspace, far
   * below these rates, but bench:handoff drives receivers' transitions with agent tokens in a closed loop;
   * clients (client credentials) are agencies' software and the benchmarks' senders, hence the larger
   * budget. A rate of 0 turns that kind's limit off.
   */
  RATE_LIMIT_USER_PER_SECOND: env.int({ default: 200, min: 0 }),
  RATE_LIMIT_USER_BURST: env.int({ default: 400, min: 1 }),
  RATE_LIMIT_CLIENT_PER_SECOND: env.int({ default: 500, min: 0 }),
  RATE_LIMIT_CLIENT_BURST: env.int({ default: 1000, min: 1 }),
  /**
   * Admission control (admission.ts; docs/operations.md, "Surcharge"): requests served at once by this
   * process (0: off), how many may wait for a slot and how long, the event-loop lag past which new
   * requests are refused, and the database pool's waiting clients past which they are too. A refused
   * request gets 503 + Retry-After at once instead of a place in a queue that only grows.
   */
  ADMISSION_MAX_CONCURRENT: env.int({ default: 32, min: 0 }),
  ADMISSION_MAX_QUEUE: env.int({ default: 64, min: 0 }),
  ADMISSION_MAX_WAIT_MS: env.int({ default: 500, min: 0, max: 10_000 }),
  ADMISSION_MAX_EVENT_LOOP_LAG_MS: env.int({ default: 500, min: 0 }),
  ADMISSION_MAX_POOL_WAITING: env.int({ default: 20, min: 0 }),
};

/** The admission settings a service's configuration gives. */
export function admissionSettingsOf(config: ServiceConfig): AdmissionSettings {
  return {
    maxConcurrent: config.ADMISSION_MAX_CONCURRENT,
    maxQueue: config.ADMISSION_MAX_QUEUE,
    maxWaitMs: config.ADMISSION_MAX_WAIT_MS,
    maxEventLoopLagMs: config.ADMISSION_MAX_EVENT_LOOP_LAG_MS,
    retryAfterSeconds: 1,
  };
}

export type ServiceConfig = ConfigOf<typeof serviceConfigSchema>;
