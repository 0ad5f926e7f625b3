import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { toolCacheDir } from '../deploy-tools';
import { repoRoot } from '../state-dir';
import { kafkaSasl } from './kafka-client';

export interface KafkaBrokerOptions {
  dataDir: string;
  port: number;
  controllerPort: number;
  /** The heap's ceiling (-Xmx); the broker starts with a small heap and grows it only as it needs (MIN_HEAP_MB). */
  heapMb?: number;
  logFile?: string;
  /** How long to wait for the client port to open; the first start after formatting is the slowest. */
  readyTimeoutMs?: number;
  /**
   * SCRAM principals for clients besides the super user (one per service). Their passwords are made once
   * and kept in the data dir with the others (credentials.json), since the broker keeps the users.
   */
  principals?: string[];
  /** One node of a multi-node KRaft cluster (kafka-cluster.ts); absent: a single node, its own controller. */
  cluster?: ClusterNode;
}

export interface ClusterNode {
  nodeId: number;
  /** Every controller of the quorum: `id@127.0.0.1:port`, comma-separated. */
  quorumVoters: string;
  /** Folder the nodes share: one cluster id and one set of passwords (prepareClusterSecrets). */
  sharedDir: string;
  /** default.replication.factor and that of the broker's own topics (consumer offsets, transactions). */
  replicationFactor: number;
  minInsyncReplicas: number;
}

export interface KafkaCredentials {
  username: string;
  password: string;
}

export interface KafkaBroker {
  brokers: string[];
  /** The super user (SASL/SCRAM-SHA-512): topic provisioning, ACLs, tests on topic prefixes of their own. */
  admin: KafkaCredentials;
  /** Each principal asked for, with its password (SASL/SCRAM-SHA-512). */
  principals: Record<string, KafkaCredentials>;
  /** The JVM's pid, which is also its process group id. */
  pid: number;
  /** Resolves when the JVM exits, stopped or not, with how (`signal SIGKILL`, `exit code 1`). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** The broker's super user, for provisioning and tests. */
export const KAFKA_ADMIN_USER = 'relais-admin';
/** The broker's own principal on its controller listener (SASL/PLAIN: KRaft controllers cannot use SCRAM). */
const CONTROLLER_USER = 'relais-controller';
const SCRAM_MECHANISM = 'SCRAM-SHA-512';
const SCRAM_ITERATIONS = 4096;
const CREDENTIALS_FILE = 'credentials.json';

const KAFKA_VERSION = '3.9.1';
const HOST = '127.0.0.1';
const COMPLETE_MARKER = '.complete';
const DEFAULT_HEAP_MB = 512;
/**
 * -Xms: an idle single-node broker lives in well under 64 MB of heap. With -Xms equal to -Xmx, the serial
 * collector kept the whole ceiling committed and resident (289 MB RSS at rest, bench:memory); starting small, it
 * grows the heap under load up to heapMb and gives it back after a full collection.
 */
const MIN_HEAP_MB = 64;
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;
const LOG_TAIL_LINES = 40;
const MVN_TIMEOUT_MS = 10 * 60_000;

const pomFile = join(repoRoot, 'infra', 'kafka', 'pom.xml');
const log4jFile = join(repoRoot, 'infra', 'kafka', 'log4j.properties');

/**
 * The broker's classpath, fetched from Maven Central once per machine: in the tool cache shared by every clone
 * and worktree (toolCacheDir), named after the version and pom.xml's content. Per state dir, a fresh clone spent
 * about a minute of its first `npm start` in Maven copying the same jars again (cold start, bench/README.md).
 * Maven writes into a private folder that is renamed into place only after it succeeded, so an
 * interrupted fetch (or two concurrent callers) can never leave a half-filled lib dir behind.
 */
export async function ensureKafkaJars(): Promise<string> {
  await requireCommand('java', ['-version'], 'a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)');
  const cacheDir = toolCacheDir();
  const pomHash = createHash('sha256').update(readFileSync(pomFile)).digest('hex').slice(0, 12);
  const libDir = join(cacheDir, `kafka-${KAFKA_VERSION}-${pomHash}`);
  if (isComplete(libDir)) return libDir;

  await requireCommand('mvn', ['-v'], 'Apache Maven 3.6+ (e.g. apt-get install maven)');
  const partialDir = `${libDir}.partial-${process.pid}`;
  rmSync(partialDir, { recursive: true, force: true });
  try {
    await runCommand(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        pomFile,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${partialDir}`,
      ],
      MVN_TIMEOUT_MS,
    );
    if (!existsSync(join(partialDir, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
      throw new Error(`mvn finished but kafka_2.13-${KAFKA_VERSION}.jar is not in ${partialDir}`);
    }
    writeFileSync(join(partialDir, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    publishLibDir(partialDir, libDir);
  } finally {
    rmSync(partialDir, { recursive: true, force: true });
  }
  return libDir;
}

function isComplete(libDir: string): boolean {
  return existsSync(join(libDir, COMPLETE_MARKER));
}

function publishLibDir(partialDir: string, libDir: string): void {
  // Another process may have finished first; its copy is just as good and may already be in use.
  if (isComplete(libDir)) return;
  rmSync(libDir, { recursive: true, force: true });
  renameSync(partialDir, libDir);
}

/** Starts a single-node KRaft broker+controller and resolves once clients can use it. */
export async function startKafka(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const { dataDir, port, controllerPort } = options;
  const logFile = options.logFile ?? join(dataDir, 'kafka.log');
  mkdirSync(dataDir, { recursive: true });
  await stopOrphanedBroker(dataDir);
  await assertPortFree(port, 'Kafka client', dataDir);
  await assertPortFree(controllerPort, 'Kafka controller', dataDir);

  const libDir = await ensureKafkaJars();
  const credentials = loadCredentials(secretsDirOf(options), options.principals ?? []);
  const propsFile = join(dataDir, 'server.properties');
  // Users are made at format time (no extra start cost); a data dir formatted before (or that lost its
  // credentials) lacks some, and gets them once started, through the admin API.
  const formatted = await formatStorageOnce(libDir, dataDir, propsFile, credentials, options);
  if (formatted) {
    credentials.registered = allUsers(credentials);
    saveCredentials(secretsDirOf(options), credentials);
  }
  const missing = allUsers(credentials).filter((user) => !credentials.registered.includes(user));
  // Without its SCRAM user, the super user signs in with PLAIN (its password in the broker's own config) until it has one.
  const bootstrapAdmin = missing.includes(KAFKA_ADMIN_USER);
  writeSecretFile(propsFile, serverProperties(options, credentials, bootstrapAdmin));

  const child = spawnBroker(libDir, propsFile, logFile, options.heapMb ?? DEFAULT_HEAP_MB);
  const exited = exitPromise(child);
  if (child.pid === undefined) throw new Error(`Kafka did not start: ${describeExit(await exited)}`);
  const pidFile = join(dataDir, 'kafka.pid');
  writeFileSync(pidFile, `${child.pid}\n`);
  const stop = once(() => stopProcessGroup(child, exited).finally(() => rmSync(pidFile, { force: true })));

  const brokers = [`${HOST}:${port}`];
  try {
    await waitUntilReady(port, exited, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    if (missing.length > 0) {
      await addScramUsers(libDir, dataDir, port, credentials, missing, bootstrapAdmin);
      credentials.registered = allUsers(credentials);
      saveCredentials(secretsDirOf(options), credentials);
    }
  } catch (error) {
    await stop();
    throw new Error(`${errorMessage(error)}\n--- last ${LOG_TAIL_LINES} lines of ${logFile} ---\n${await logTail(logFile)}`);
  }
  return {
    brokers,
    exited: exited.then(describeExit),
    admin: { username: KAFKA_ADMIN_USER, password: credentials.admin },
    principals: Object.fromEntries((options.principals ?? []).map((name) => [name, { username: name, password: credentials.principals[name] ?? '' }])),
    pid: pidOf(child),
    stop,
  };
}

/** Where a node keeps its cluster id and passwords: its data dir, or the folder its cluster shares. */
function secretsDirOf(options: Pick<KafkaBrokerOptions, 'dataDir' | 'cluster'>): string {
  return options.cluster?.sharedDir ?? options.dataDir;
}

/**
 * The cluster id and the passwords of a multi-node cluster, made once in its shared folder before any
 * node starts: nodes started side by side would otherwise each make their own.
 */
export function prepareClusterSecrets(sharedDir: string, principals: string[]): void {
  mkdirSync(sharedDir, { recursive: true });
  loadCredentials(sharedDir, principals);
  clusterId(sharedDir);
}

interface StoredCredentials {
  /** Password of the broker's controller listener (PLAIN, checked against the broker's own config). */
  controller: string;
  admin: string;
  principals: Record<string, string>;
  /** Users the broker knows (made at format time or added since): the others are added at start. */
  registered: string[];
}

/** The passwords of this data dir, made once per user (base64url: nothing to escape in JAAS or SCRAM syntax). */
function loadCredentials(dataDir: string, principals: string[]): StoredCredentials {
  const file = join(dataDir, CREDENTIALS_FILE);
  const stored: Partial<StoredCredentials> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredCredentials>) : {};
  const credentials: StoredCredentials = {
    controller: stored.controller ?? newPassword(),
    admin: stored.admin ?? newPassword(),
    principals: { ...stored.principals },
    registered: stored.registered ?? [],
  };
  for (const name of principals) {
    if (name === KAFKA_ADMIN_USER || name === CONTROLLER_USER || !/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`invalid Kafka principal name: ${name}`);
    credentials.principals[name] ??= newPassword();
  }
  saveCredentials(dataDir, credentials);
  return credentials;
}

function saveCredentials(dataDir: string, credentials: StoredCredentials): void {
  writeSecretFile(join(dataDir, CREDENTIALS_FILE), `${JSON.stringify(credentials, null, 2)}\n`);
}

/** Readable by this user only: it holds passwords. */
function writeSecretFile(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

function allUsers(credentials: StoredCredentials): string[] {
  return [KAFKA_ADMIN_USER, ...Object.keys(credentials.principals)];
}

function passwordOf(credentials: StoredCredentials, user: string): string {
  const password = user === KAFKA_ADMIN_USER ? credentials.admin : credentials.principals[user];
  if (password === undefined) throw new Error(`no password for Kafka principal ${user}`);
  return password;
}

function scramArgument(user: string, password: string): string {
  return `${SCRAM_MECHANISM}=[name=${user},password=${password}]`;
}

/**
 * Adds SCRAM users to a running broker with Kafka's own tool (kafkajs has no API for them), signed in as
 * the super user, then waits until each can sign in (the credential reaches the broker's metadata
 * cache a moment after the controller accepted it). About a second per user, once.
 */
async function addScramUsers(libDir: string, dataDir: string, port: number, credentials: StoredCredentials, users: string[], bootstrapAdmin: boolean): Promise<void> {
  const clientConfig = join(dataDir, 'admin-client.properties');
  const mechanism = bootstrapAdmin ? 'PLAIN' : SCRAM_MECHANISM;
  const loginModule = bootstrapAdmin ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
  writeSecretFile(
    clientConfig,
    [
      'security.protocol=SASL_PLAINTEXT',
      `sasl.mechanism=${mechanism}`,
      `sasl.jaas.config=${jaas(loginModule, KAFKA_ADMIN_USER, credentials.admin)}`,
    ].join('\n') + '\n',
  );
  try {
    for (const user of users) {
      await runCommand(
        'java',
        [
          '-XX:TieredStopAtLevel=1',
          '-XX:+UseSerialGC',
          `-Dlog4j.configuration=file:${log4jFile}`,
          '-cp',
          classpath(libDir),
          'kafka.admin.ConfigCommand',
          '--bootstrap-server',
          `${HOST}:${port}`,
          '--command-config',
          clientConfig,
          '--alter',
          '--entity-type',
          'users',
          '--entity-name',
          user,
          '--add-config',
          `${SCRAM_MECHANISM}=[iterations=${SCRAM_ITERATIONS},password=${passwordOf(credentials, user)}]`,
        ],
        60_000,
      );
    }
  } finally {
    rmSync(clientConfig, { force: true });
  }
  for (const user of users) await waitUntilSignsIn(port, user, passwordOf(credentials, user));
}

async function waitUntilSignsIn(port: number, username: string, password: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const admin = new Kafka({
      clientId: 'relais-kafka-users',
      brokers: [`${HOST}:${port}`],
      logLevel: logLevel.NOTHING,
      ...kafkaSasl({ username, password }),
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Kafka principal ${username} cannot sign in: ${errorMessage(error)}`);
      await sleep(200);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

function jaas(loginModule: string, username: string, password: string, extra = ''): string {
  return `${loginModule} required username="${username}" password="${password}"${extra};`;
}

/**
 * Clients authenticate with SASL/SCRAM-SHA-512 on the CLIENT listener (127.0.0.1, no TLS: loopback
 * only), one principal per service, and the StandardAuthorizer lets each do only what its ACLs say
 * (infra/src/kafka/kafka-acls.ts); nothing is allowed without an ACL. The broker signs in to its own
 * controller listener with SASL/PLAIN (a KRaft controller cannot check SCRAM: the users live in the
 * metadata it serves), as a super user like the admin.
 */
function serverProperties(options: KafkaBrokerOptions, credentials: StoredCredentials, bootstrapAdmin: boolean): string {
  const { dataDir, port, controllerPort, cluster } = options;
  const plain = 'org.apache.kafka.common.security.plain.PlainLoginModule';
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule';
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': cluster?.nodeId ?? 1,
    'controller.quorum.voters': cluster?.quorumVoters ?? `1@${HOST}:${controllerPort}`,
    listeners: `CLIENT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    'advertised.listeners': `CLIENT://${HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'inter.broker.listener.name': 'CLIENT',
    'sasl.enabled.mechanisms': SCRAM_MECHANISM,
    'sasl.mechanism.inter.broker.protocol': bootstrapAdmin ? 'PLAIN' : SCRAM_MECHANISM,
    'listener.name.client.scram-sha-512.sasl.jaas.config': jaas(scram, KAFKA_ADMIN_USER, credentials.admin),
    // Only until the admin has a SCRAM user (a data dir formatted without one): PLAIN, for the admin alone.
    ...(bootstrapAdmin
      ? {
          'listener.name.client.sasl.enabled.mechanisms': `${SCRAM_MECHANISM},PLAIN`,
          'listener.name.client.plain.sasl.jaas.config': jaas(plain, KAFKA_ADMIN_USER, credentials.admin, ` user_${KAFKA_ADMIN_USER}="${credentials.admin}"`),
        }
      : {}),
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': jaas(plain, CONTROLLER_USER, credentials.controller, ` user_${CONTROLLER_USER}="${credentials.controller}"`),
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${KAFKA_ADMIN_USER};User:${CONTROLLER_USER}`,
    'allow.everyone.if.no.acl.found': false,
    'log.dirs': join(dataDir, 'logs'),
    // A single node can only ever hold one replica; a cluster's nodes hold as many as it says.
    'default.replication.factor': cluster?.replicationFactor ?? 1,
    'min.insync.replicas': cluster?.minInsyncReplicas ?? 1,
    'offsets.topic.replication.factor': cluster?.replicationFactor ?? 1,
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.replication.factor': cluster?.replicationFactor ?? 1,
    'transaction.state.log.min.isr': cluster?.minInsyncReplicas ?? 1,
    'transaction.state.log.num.partitions': 3,
    'group.initial.rebalance.delay.ms': 0,
    'num.partitions': 3,
    // Topics are declared by the services; a typo should fail instead of silently creating a topic.
    'auto.create.topics.enable': false,
    // The cleaner allocates this on the heap (128 MiB by default), too much for a small dev JVM.
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
    'log.cleaner.threads': 1,
    // Dev data is small: small segments keep retention effective and preallocated indexes cheap.
    'log.segment.bytes': 16 * 1024 * 1024,
    'log.index.size.max.bytes': 1024 * 1024,
    'log.retention.hours': 72,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 2,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${escapePropertyValue(String(value))}`);
  return `# Written by infra/src/kafka/kafka-broker.ts on every start; edits are overwritten.\n${lines.join('\n')}\n`;
}

/** Java reads .properties as ISO-8859-1 with backslash escapes, so paths need escaping to survive. */
function escapePropertyValue(value: string): string {
  return value.replace(/[\\]|[^\x20-\x7e]/g, (char) =>
    char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Formats only a fresh data dir: formatting again would wipe nothing but would fail, and a new
 * cluster id would make the existing logs unusable. The id is kept next to the data for that reason.
 */
async function formatStorageOnce(
  libDir: string,
  dataDir: string,
  propsFile: string,
  credentials: StoredCredentials,
  options: KafkaBrokerOptions,
): Promise<boolean> {
  if (existsSync(join(dataDir, 'logs', 'meta.properties'))) return false;
  // The users go in with the format (the same JVM run): a fresh broker costs no extra second for them.
  writeSecretFile(propsFile, serverProperties(options, credentials, false));
  const users = allUsers(credentials).flatMap((user) => ['--add-scram', scramArgument(user, passwordOf(credentials, user))]);
  await runCommand(
    'java',
    [`-Dlog4j.configuration=file:${log4jFile}`, '-cp', classpath(libDir), 'kafka.tools.StorageTool', 'format', '-t', clusterId(secretsDirOf(options)), '-c', propsFile, ...users],
    60_000,
  );
  return true;
}

function clusterId(dataDir: string): string {
  const file = join(dataDir, 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = newKafkaUuid();
  writeFileSync(file, `${id}\n`);
  return id;
}

/** Kafka's Uuid text form: 16 random bytes, base64url without padding; Kafka rejects a leading '-'. */
function newKafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function classpath(libDir: string): string {
  // Java expands the wildcard itself; no shell is involved.
  return `${libDir}/*`;
}

function spawnBroker(libDir: string, propsFile: string, logFile: string, heapMb: number): ChildProcess {
  const logFd = openSync(logFile, 'a');
  try {
    writeFileSync(logFd, `\n=== ${new Date().toISOString()} starting Kafka ${KAFKA_VERSION} ===\n`);
    const child = spawn(
      'java',
      [
        `-Xms${Math.min(MIN_HEAP_MB, heapMb)}m`,
        `-Xmx${heapMb}m`,
        // One developer, one broker: the serial collector and the C1-only JIT trade peak throughput for memory and start time.
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-XX:+ExitOnOutOfMemoryError',
        '-XX:-UsePerfData',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${log4jFile}`,
        '-cp',
        classpath(libDir),
        'kafka.Kafka',
        propsFile,
      ],
      // Own process group so stop() can signal it as a unit, and so it outlives a Ctrl-C of the caller's terminal.
      { detached: true, stdio: ['ignore', logFd, logFd] },
    );
    // The broker is meant to keep running on its own; only stop() should keep the caller waiting on it.
    child.unref();
    return child;
  } finally {
    closeSync(logFd);
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

function exitPromise(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error: commandError('java', error) }));
  });
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('java did not start');
  return child.pid;
}

async function waitUntilReady(port: number, exited: Promise<Exit>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: Exit | undefined;
  void exited.then((value) => (exit = value));
  while (Date.now() < deadline) {
    if (exit) throw new Error(`Kafka exited before it was ready (${describeExit(exit)})`);
    if (await portAnswers(port)) return;
    await sleep(250);
  }
  throw new Error(`Kafka did not open ${HOST}:${port} within ${timeoutMs / 1000} s`);
}

function describeExit(exit: Exit): string {
  if (exit.error) return exit.error.message;
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** The broker opens its client listener only once it is unfenced, so a connect means it is usable. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.setTimeout(1000);
    const done = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function assertPortFree(port: number, role: string, dataDir: string): Promise<void> {
  const free = await new Promise<boolean>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (free) return;
  throw new Error(`Cannot start Kafka: ${role} port ${HOST}:${port} is already in use${stalePidHint(dataDir)}`);
}

/**
 * A broker an earlier process started on this data dir and never stopped (it was killed with SIGKILL: the broker
 * runs in its own process group and outlives it): stopped as stop() would, so this start can take its ports and
 * its data. Only if the pid still runs this data dir's broker (its command line names our server.properties).
 */
export async function stopOrphanedBroker(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'kafka.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const propsFile = join(dataDir, 'server.properties');
  if (Number.isInteger(pid) && pid > 0 && commandLineOf(pid).includes(propsFile)) {
    signalGroup(pid, 'SIGTERM');
    if (!(await goneWithin(pid, STOP_GRACE_MS))) {
      signalGroup(pid, 'SIGKILL');
      await goneWithin(pid, 5_000);
    }
  }
  rmSync(pidFile, { force: true });
}

function commandLineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) {
    try {
      process.kill(pid, 0);
      // A zombie waits for init to reap it: it holds no port any more.
      if (/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      return true;
    }
  }
  return false;
}

function stalePidHint(dataDir: string): string {
  const pidFile = join(dataDir, 'kafka.pid');
  if (!existsSync(pidFile)) return '';
  return ` (a broker started earlier on ${dataDir} may still be running as pid ${readFileSync(pidFile, 'utf8').trim()})`;
}

async function stopProcessGroup(child: ChildProcess, exited: Promise<Exit>): Promise<void> {
  const pid = pidOf(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(pid, 'SIGTERM');
  if (await exitsWithin(exited, STOP_GRACE_MS)) return;
  signalGroup(pid, 'SIGKILL');
  await exited;
}

async function exitsWithin(exited: Promise<Exit>, ms: number): Promise<boolean> {
  // Cancel the grace timer once the JVM is gone; a pending timer would keep the caller's process alive.
  const grace = new AbortController();
  const timedOut = sleep(ms, false, { signal: grace.signal }).catch(() => false);
  try {
    return await Promise.race([exited.then(() => true), timedOut]);
  } finally {
    grace.abort();
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}

async function logTail(logFile: string): Promise<string> {
  const maxBytes = 64 * 1024;
  try {
    const handle = await open(logFile, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, maxBytes);
      const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
      return buffer.toString('utf8').split('\n').slice(-LOG_TAIL_LINES - 1).join('\n');
    } finally {
      await handle.close();
    }
  } catch (error) {
    return `(could not read the log: ${errorMessage(error)})`;
  }
}

async function requireCommand(command: string, args: string[], hint: string): Promise<void> {
  try {
    await runCommand(command, args, 30_000);
  } catch (error) {
    throw new Error(`The local Kafka broker needs ${hint}: ${errorMessage(error)}`);
  }
}

function runCommand(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: repoRoot, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const output = `${stdout}${stderr}`.trim();
      reject(new Error(`${commandError(command, error).message}${output ? `\n${output}` : ''}`));
    });
  });
}

/** execFile errors carry the exit code, or the errno when the command could not even be run. */
function commandError(command: string, error: Error & { code?: unknown; signal?: unknown }): Error {
  if (error.code === 'ENOENT') return new Error(`\`${command}\` was not found on PATH`);
  if (typeof error.code === 'number') return new Error(`\`${command}\` exited with code ${error.code}`);
  if (typeof error.signal === 'string') return new Error(`\`${command}\` was killed by ${error.signal}`);
  return new Error(`\`${command}\` failed: ${error.message}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
