import { join } from 'node:path';
import { DEFAULT_WEB_REDIRECT_URIS, demoAccounts, type DemoAccounts } from '@relais/demo';
import { startIdentityProvider } from './identity';
import { startIdentityProcess, stopOrphanedIdentityProvider } from './identity/identity-process';
import { ensureKafkaJars, grantServiceAcls, servicePrincipal, startKafka, stopOrphanedBroker, type KafkaCredentials } from './kafka';
import { localSecret } from './local-secrets';
import { startLocalMailServer, startSmsStandIn, stopOrphanedMailServer } from './messages';
import { assertPortFree } from './net';
import { provisionDatabase, startPostgres, stopLeftoverPostgres } from './postgres';
import { serviceNames, tail, type ServiceName } from './service-processes';
import { supervise, type Incarnation } from './supervisor';

export interface InfrastructurePorts {
  postgres: number;
  kafka: number;
  kafkaController: number;
  identity: number;
  /** The local SMTP server, its web page and the SMS stand-in: started only when the three are given. */
  smtp?: number;
  mailWeb?: number;
  sms?: number;
}

/** Where the local mail and SMS components are, for the notification service and for people. */
export interface LocalMessaging {
  smtpHost: string;
  smtpPort: number;
  /** MailDev's web page and REST API (`<mailWebUrl>/index.html`, `<mailWebUrl>/api/email`). */
  mailWebUrl: string;
  mailWebPort: number;
  /** `<messagesDir>/mail`: one `.eml` per message received. */
  mailDir: string;
  smsApiUrl: string;
  smsApiKey: string;
  /** `<messagesDir>/sms`: one JSON file per SMS received. */
  smsDir: string;
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
  /** Where `mail/` and `sms/` go (default: dataDir). */
  messagesDir?: string;
  log?: (message: string) => void;
  /**
   * Restart PostgreSQL, Kafka or the identity provider when it exits on its own (npm start), saying so through
   * `log`. The identity provider then runs as a child process of its own (with the demo accounts) rather than
   * inside the caller's process, so that it can die and come back alone.
   */
  supervise?: boolean;
  /** Where the identity provider's log goes when it runs as a child process (default: dataDir). */
  logDir?: string;
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
  /** The local SMTP server and SMS stand-in, when their ports were given. */
  messages?: LocalMessaging;
  /**
   * Provisions the database `name` and its own role `name` (see infra/src/postgres/database-roles.ts), and
   * returns the URL a service connects with: that role, whose password is kept in `<dataDir>/secrets/`.
   */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL, Kafka, the identity provider (and, when their ports are given, the local SMTP server and SMS stand-in), started as local processes unless the environment
 * points at existing ones. Started in parallel; stopped in reverse order.
 */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const log = options.log ?? (() => undefined);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  /** The stop of a started server; under supervision, of whichever incarnation runs by then. */
  const keepRunning = (label: string, first: Incarnation, restart: () => Promise<Incarnation>, logFile?: string): (() => Promise<void>) => {
    if (!options.supervise) return () => first.stop();
    const supervised = supervise(label, first, restart, { log, ...(logFile ? { onGiveUp: () => log(`  son journal : ${logFile}\n${tail(logFile, 15)}`) } : {}) });
    return () => supervised.stop();
  };
  try {
    const settled = await Promise.allSettled([
      (async () => {
        if (options.external?.databaseUrl) return options.external.databaseUrl;
        // What a SIGKILLed orchestrator left on this data dir is ours to stop, before the port is checked.
        await stopLeftoverPostgres(join(options.dataDir, 'postgres'));
        await assertPortFree(options.ports.postgres, 'PostgreSQL');
        const started = Date.now();
        const postgresOptions = { dataDir: join(options.dataDir, 'postgres'), port: options.ports.postgres, fast: options.fast };
        const server = await startPostgres(postgresOptions);
        stops.push(keepRunning('PostgreSQL', server, () => startPostgres(postgresOptions)));
        log(`PostgreSQL prêt sur 127.0.0.1:${server.port} (${Date.now() - started} ms)`);
        return server.adminUrl;
      })(),
      (async () => {
        if (options.external?.kafkaBrokers) return { brokers: options.external.kafkaBrokers };
        await stopOrphanedBroker(join(options.dataDir, 'kafka'));
        await assertPortFree(options.ports.kafka, 'Kafka');
        await assertPortFree(options.ports.kafkaController, 'contrôleur Kafka');
        const started = Date.now();
        await ensureKafkaJars();
        const kafkaOptions = {
          dataDir: join(options.dataDir, 'kafka'),
          port: options.ports.kafka,
          controllerPort: options.ports.kafkaController,
          heapMb: options.fast ? 384 : 512,
          principals: serviceNames.map(servicePrincipal),
        };
        const broker = await startKafka(kafkaOptions);
        // A restarted broker keeps its data dir, port, users and ACLs: clients reconnect to the same address.
        stops.push(keepRunning('Kafka', broker, () => startKafka(kafkaOptions)));
        // Every start: creating ACLs that exist changes nothing, and new catalog topics get theirs.
        await grantServiceAcls(broker.brokers, broker.admin, serviceNames, options.topicPrefix ?? '');
        log(`Kafka prêt sur ${broker.brokers.join(',')} (${Date.now() - started} ms)`);
        return { brokers: broker.brokers, admin: broker.admin, principals: broker.principals };
      })(),
      (async () => {
        if (options.external?.oidcIssuer) return { issuer: options.external.oidcIssuer, tokenEndpoint: undefined };
        // What a SIGKILLed orchestrator left holding the port is ours to stop first, as for PostgreSQL and Kafka.
        if (options.supervise) await stopOrphanedIdentityProvider(join(options.dataDir, 'identity.pid'), join(options.dataDir, 'identity-keys.json'));
        await assertPortFree(options.ports.identity, "fournisseur d'identité");
        const issuer = options.issuer ?? `http://127.0.0.1:${options.ports.identity}/auth`;
        // The web workspace is served by the gateway on the issuer's origin, whatever the port: it signs in
        // and out back to its root there (the defaults name port 8080 only).
        const webRedirectUris = [...new Set([`${new URL(issuer).origin}/`, ...DEFAULT_WEB_REDIRECT_URIS])];
        const keysFile = join(options.dataDir, 'identity-keys.json');
        if (options.supervise && !options.accounts) {
          // Its own process, supervised like a service; its keys file keeps issued tokens valid across restarts.
          const processOptions = {
            issuer,
            port: options.ports.identity,
            webRedirectUris,
            keysFile,
            pidFile: join(options.dataDir, 'identity.pid'),
            logFile: join(options.logDir ?? options.dataDir, 'identity.log'),
          };
          const first = await startIdentityProcess(processOptions);
          stops.push(keepRunning('le fournisseur d’identité', first, () => startIdentityProcess(processOptions), processOptions.logFile));
          log(`Fournisseur d'identité prêt : ${first.issuer}`);
          return { issuer: first.issuer, tokenEndpoint: first.tokenEndpoint };
        }
        const provider = await startIdentityProvider({
          issuer,
          webRedirectUris,
          port: options.ports.identity,
          accounts: options.accounts ?? demoAccounts(),
          keysFile,
        });
        stops.push(() => provider.stop());
        log(`Fournisseur d'identité prêt : ${provider.issuer}`);
        return { issuer: provider.issuer, tokenEndpoint: provider.tokenEndpoint };
      })(),
      (async (): Promise<LocalMessaging | undefined> => {
        const { smtp, mailWeb, sms } = options.ports;
        if (smtp === undefined || mailWeb === undefined || sms === undefined) return undefined;
        const messagesDir = options.messagesDir ?? options.dataDir;
        // What a SIGKILLed orchestrator left holding the ports goes first (the SMS stand-in lives in its process).
        await stopOrphanedMailServer(join(messagesDir, 'mail'));
        await assertPortFree(smtp, 'SMTP local');
        await assertPortFree(mailWeb, 'page du courriel local');
        await assertPortFree(sms, 'SMS local');
        const started = Date.now();
        const mail = await startLocalMailServer({ smtpPort: smtp, webPort: mailWeb, mailDir: join(messagesDir, 'mail') });
        stops.push(() => mail.stop());
        const smsApiKey = localSecret(join(options.dataDir, 'secrets'), 'sms-api-key');
        const standIn = await startSmsStandIn({ port: sms, smsDir: join(messagesDir, 'sms'), apiKey: smsApiKey });
        stops.push(() => standIn.stop());
        log(`courriel local (MailDev) prêt sur 127.0.0.1:${smtp}, SMS local sur ${standIn.url} (${Date.now() - started} ms)`);
        return {
          smtpHost: '127.0.0.1',
          smtpPort: smtp,
          mailWebUrl: mail.webUrl,
          mailWebPort: mailWeb,
          mailDir: mail.mailDir,
          smsApiUrl: standIn.url,
          smsApiKey,
          smsDir: standIn.smsDir,
        };
      })(),
    ] as const);
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const [adminDatabaseUrl, kafka, identity, messages] = settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [
      string,
      { brokers: string[]; admin?: KafkaCredentials; principals?: Record<string, KafkaCredentials> },
      { issuer: string; tokenEndpoint: string | undefined },
      LocalMessaging | undefined,
    ];
    return {
      adminDatabaseUrl,
      kafkaBrokers: kafka.brokers,
      ...(kafka.admin ? { kafkaAdmin: kafka.admin } : {}),
      kafkaCredentials: (service) => kafka.principals?.[servicePrincipal(service)],
      oidcIssuer: identity.issuer,
      ...(identity.tokenEndpoint ? { tokenEndpoint: identity.tokenEndpoint, identityPort: options.ports.identity } : {}),
      ...(messages ? { messages } : {}),
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
