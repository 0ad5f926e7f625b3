import { Logger } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { advisoryLocks } from '@relais/persistence';
import { OUTBOX_CHANNEL } from './messaging-tables';

/**
 * The relay's own connection: it holds the session advisory lock that makes this replica the one
 * relay of the database, LISTENs for commits that wrote events, and runs the relay's batches. One
 * connection for all three on purpose: if it dies the lock goes with it, and so does the leadership
 * this replica acts on.
 */
export class RelayLeadership {
  private readonly logger = new Logger('OutboxRelay');
  private client: Client | undefined;
  private leading = false;

  constructor(
    private readonly config: ClientConfig,
    /** Called on every NOTIFY and when the connection is lost, so the relay loop wakes up. */
    private readonly onSignal: () => void,
  ) {}

  get isLeader(): boolean {
    return this.leading && this.client !== undefined;
  }

  /**
   * The leader's connection, on which the relay also claims and marks its batches: the relay never
   * waits behind the service's pool, and a batch in flight dies with the leadership it relied on.
   */
  get connection(): Client | undefined {
    return this.isLeader ? this.client : undefined;
  }

  /** Tries once to become the leader; keeps the connection between attempts. */
  async tryLead(): Promise<boolean> {
    if (this.isLeader) return true;
    const client = await this.connected();
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [advisoryLocks.outboxRelayLeader]);
    if (rows[0]?.locked !== true) return false;
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    // The relay's batches need not wait for the WAL flush of their sent_at marks: a mark lost in a
    // crash of the database only sends those events again, which the consumers' inboxes absorb.
    await client.query(`SET synchronous_commit = off`);
    this.leading = true;
    this.logger.log('this replica now relays the outbox');
    return true;
  }

  /** Unlocks and closes the connection; another replica takes over at its next attempt. */
  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    if (!client) return;
    // Ending the session releases the lock and the LISTEN; no unlock round trip needed.
    await client.end().catch(() => undefined);
  }

  private async connected(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client(this.config);
    // A lost connection emits 'error' (an unhandled one would crash the process): leadership ends with it.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', () => this.onSignal());
    await client.connect();
    this.client = client;
    return client;
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    if (this.leading) this.logger.warn(`relay connection lost${error ? `: ${error.message}` : ''}; leadership released`);
    this.client = undefined;
    this.leading = false;
    void client.end().catch(() => undefined);
    this.onSignal();
  }
}

/** A pg client configuration for the same database as the service's TypeORM data source. */
export function pgClientConfig(dataSource: DataSource, applicationName: string): ClientConfig {
  const options = dataSource.options as {
    url?: string;
    host?: string;
    port?: number;
    username?: string;
    password?: string | (() => string) | (() => Promise<string>);
    database?: string;
    ssl?: ClientConfig['ssl'];
  };
  const base: ClientConfig = {
    application_name: applicationName,
    // A dead peer must end the session (and so the leadership) rather than hang it.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
  };
  if (options.url) return { ...base, connectionString: options.url };
  return {
    ...base,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.username !== undefined ? { user: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}),
  };
}
