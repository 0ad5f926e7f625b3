import { join } from 'node:path';
import { DEFAULT_WEB_REDIRECT_URIS, demoAccounts, type DemoAccounts } from '@relais/demo';
import { startIdentityProvider } from './identity';
import { ensureKafkaJars, grantServiceAcls, servicePrincipal, startKafka, type KafkaCredentials } from './kafka';
import { localSecret } from './local-secrets';
import { assertPortFree } from './net';
import { provisionDatabase, startPostgres } from './postgres';
import { serviceNames, type ServiceName } from './service-processes';

export interface InfrastructurePorts {
  postgres: number;
  kafka: number;
  kafkaController: number;
  identity: number;
}

export interface InfrastructureOptions {
  /** Folder for the databases, Kafka logs and keys of this stack. */
  dataDir: string;
  ports: InfrastructurePorts;
  /** Issuer URL the local identity provider announces (its path must be /auth). */
  issuer?: string;
  /** External servers: when set, nothing is started for them. */
  external?: { databaseUrl?: string; kafkaBrokers?: string[]; oidcIssuer?: string };
  /** Test settings: no fsync, smaller heaps. */
  fast?: boolean;
  /** KAFKA_TOPIC_PREFIX of the services: the local broker's ACLs are granted on it. */
  topicPrefix?: string;
  accounts?: DemoAccounts;
  log?: (message: string) => void;
}

export interface Infrastructure {
  /** A URL with rights to create databases and roles (the server's `postgres` database). Never given to a service. */
  adminDatabaseUrl: string;
  kafkaBrokers: string[];
  /**
   * The local broker's super user (topic provisioning, ACLs, tests on topic prefixes of their own);
   * absent with an external cluster, whose credentials are its operators'.
   */
  kafkaAdmin?: KafkaCredentials;
  /** The principal a service signs in to the local broker as (its ACLs: docs/decisions/0003); undefined with an external cluster. */
  kafkaCredentials(service: ServiceName): KafkaCredentials | undefined;
  oidcIssuer: string;
  /** Present when the local identity provider runs (absent with an external issuer). */
  tokenEndpoint?: string;
  /** Port of the local identity provider, for the gateway's /auth route. */
  identityPort?: number;
  /**
   * Provisions the database `name` and its own role `name` (see infra/src/postgres/database-roles.ts), and
   * returns the URL a service connects with: that role, whose password is kept in `<dataDir>/secrets/`.
   */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL, Kafka and the identity provider, started as local processes unless the environment
 * points at existing ones. Started in parallel; stopped in reverse order.
 */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const log = options.log ?? (() => undefined);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const settled = await Promise.allSettled([
      (async () => {
        if (options.external?.databaseUrl) return options.external.databaseUrl;
        await assertPortFree(options.ports.postgres, 'PostgreSQL');
        const started = Date.now();
        const server = await startPostgres({ dataDir: join(options.dataDir, 'postgres'), port: options.ports.postgres, fast: options.fast });
        stops.push(() => server.stop());
        log(`PostgreSQL prêt sur 127.0.0.1:${server.port} (${Date.now() - started} ms)`);
        return server.adminUrl;
      })(),
      (async () => {
        if (options.external?.kafkaBrokers) return { brokers: options.external.kafkaBrokers };
        await assertPortFree(options.ports.kafka, 'Kafka');
        await assertPortFree(options.ports.kafkaController, 'contrôleur Kafka');
        const started = Date.now();
        await ensureKafkaJars();
        const broker = await startKafka({
          dataDir: join(options.dataDir, 'kafka'),
          port: options.ports.kafka,
          controllerPort: options.ports.kafkaController,
          heapMb: options.fast ? 384 : 512,
          principals: serviceNames.map(servicePrincipal),
        });
        stops.push(() => broker.stop());
        // Every start: creating ACLs that exist changes nothing, and new catalog topics get theirs.
        await grantServiceAcls(broker.brokers, broker.admin, serviceNames, options.topicPrefix ?? '');
        log(`Kafka prêt sur ${broker.brokers.join(',')} (${Date.now() - started} ms)`);
        return { brokers: broker.brokers, admin: broker.admin, principals: broker.principals };
      })(),
      (async () => {
        if (options.external?.oidcIssuer) return { issuer: options.external.oidcIssuer, tokenEndpoint: undefined };
        await assertPortFree(options.ports.identity, "fournisseur d'identité");
        const issuer = options.issuer ?? `http://127.0.0.1:${options.ports.identity}/auth`;
        const provider = await startIdentityProvider({
          issuer,
          // The web workspace is served by the gateway on the issuer's origin, whatever the port: it signs in
          // and out back to its root there (the defaults name port 8080 only).
          webRedirectUris: [...new Set([`${new URL(issuer).origin}/`, ...DEFAULT_WEB_REDIRECT_URIS])],
          port: options.ports.identity,
          accounts: options.accounts ?? demoAccounts(),
          keysFile: join(options.dataDir, 'identity-keys.json'),
        });
        stops.push(() => provider.stop());
        log(`Fournisseur d'identité prêt : ${provider.issuer}`);
        return { issuer: provider.issuer, tokenEndpoint: provider.tokenEndpoint };
      })(),
    ] as const);
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const [adminDatabaseUrl, kafka, identity] = settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [
      string,
      { brokers: string[]; admin?: KafkaCredentials; principals?: Record<string, KafkaCredentials> },
      { issuer: string; tokenEndpoint: string | undefined },
    ];
    return {
      adminDatabaseUrl,
      kafkaBrokers: kafka.brokers,
      ...(kafka.admin ? { kafkaAdmin: kafka.admin } : {}),
      kafkaCredentials: (service) => kafka.principals?.[servicePrincipal(service)],
      oidcIssuer: identity.issuer,
      ...(identity.tokenEndpoint ? { tokenEndpoint: identity.tokenEndpoint, identityPort: options.ports.identity } : {}),
      database: (name) => provisionServiceDatabase(adminDatabaseUrl, name, join(options.dataDir, 'secrets')),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A service's database and role on the server `adminUrl` names, with the role's password made once and
 * kept in `secretsDir` (the same secret on every start, so running services and their URLs stay valid).
 */
export function provisionServiceDatabase(adminUrl: string, name: string, secretsDir: string): Promise<string> {
  return provisionDatabase(adminUrl, name, localSecret(secretsDir, `postgres-role-${name}`));
}
