/**
 * The orchestrator behind `npm start`, `npm run reset`, `npm run migrate` and `relais provision` (called by infra/bin/relais
 * once Node 24, the dependencies and the build are in place).
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, releaseMemoryWhenIdle, releaseStartupMemory } from '@relais/platform';
import { demoAccounts } from '@relais/demo';
import { demoAccountsFile } from './demo-accounts-file';
import { backupDatabases, readManifest, restoreDatabases } from './backup';
import { awaitDirectoryCopies } from './directory-copies';
import { provisionServiceDatabase, startInfrastructure, type Infrastructure } from './infrastructure';
import { readLocalConfig, localPorts, type LocalConfig } from './local-config';
import { assertPortFree } from './net';
import { currentWebBuild } from './web-build';
import { databaseName, parseSplitRoles, serviceEnvironment, startPlatform } from './platform';
import { serviceNames, stopLeftoverServices } from './service-processes';
import { builtFile, repoRoot, stateSubdir } from './state-dir';
import { webApp } from './web-app';

const say = (message: string) => process.stdout.write(`\x1b[1m[relais]\x1b[0m ${message}\n`);

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'start';
  const config = readLocalConfig();
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate':
      return migrateAll(config);
    case 'reset':
      return reset(config);
    case 'provision':
      return provision(config);
    case 'backup':
      return backup(config, process.argv[3]);
    case 'restore':
      return restore(config, process.argv[3]);
    default:
      throw new Error(`commande inconnue : ${command}`);
  }
}

/** data/, logs/ and demo-accounts.json live here. */
function stateFolder(config: LocalConfig, ...parts: string[]): string {
  if (!config.RELAIS_STATE_DIR) return parts.length ? stateSubdir(...parts) : join(repoRoot, '.relais');
  const dir = join(config.RELAIS_STATE_DIR, ...parts);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

/**
 * `messages`: also the local SMTP server and SMS stand-in (a start needs them, a migration does not);
 * `supervise`: restart what dies (npm start).
 */
function infrastructureFor(
  config: LocalConfig,
  ports: ReturnType<typeof localPorts>,
  { messages = true, supervise = false } = {},
): Promise<Infrastructure> {
  const { smtp, mailWeb, sms, ...others } = ports;
  return startInfrastructure({
    dataDir: stateFolder(config, 'data'),
    logDir: stateFolder(config, 'logs'),
    ports: messages ? { ...others, smtp, mailWeb, sms } : others,
    issuer: `http://127.0.0.1:${ports.gateway}/auth`,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    // <state dir>/mail and <state dir>/sms, beside data/ and logs/: where people read what was "sent".
    messagesDir: stateFolder(config),
    external: {
      ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
      ...(config.KAFKA_BROKERS ? { kafkaBrokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()) } : {}),
      ...(config.OIDC_ISSUER ? { oidcIssuer: config.OIDC_ISSUER } : {}),
    },
    log: say,
    supervise,
  });
}

async function start(config: LocalConfig): Promise<void> {
  const started = Date.now();
  const ports = localPorts(config.RELAIS_PORT);
  const splitRoles = parseSplitRoles(config.RELAIS_SPLIT_ROLES);
  await assertPortFree(ports.gateway, 'passerelle');
  // Services a SIGKILLed orchestrator left running (PostgreSQL and Kafka stop their own leftovers as they start).
  const leftovers = await stopLeftoverServices(stateFolder(config, 'run'));
  if (leftovers.length > 0) say(`arrêt des services laissés par un lancement précédent interrompu : ${leftovers.join(', ')}`);
  const webRoot = currentWebBuild();
  if (!webRoot) say('espace web absent (pas encore construit : infra/bin/relais build) ; la passerelle sert une page de liens à la place');
  const infrastructure = await infrastructureFor(config, ports, { supervise: true });
  let stopping = false;
  const stopEverything = async (platformStop?: () => Promise<void>) => {
    if (stopping) return;
    stopping = true;
    say('arrêt en cours…');
    await platformStop?.().catch(() => undefined);
    await infrastructure.stop();
    say('tout est arrêté.');
  };
  let platform;
  try {
    platform = await startPlatform({
      infrastructure,
      gatewayPort: ports.gateway,
      servicePorts: ports.services,
      splitRoles,
      consumersPorts: ports.consumers,
      metricsPorts: ports.metrics,
      consumersMetricsPorts: ports.consumersMetrics,
      logDir: stateFolder(config, 'logs'),
      secretsDir: stateFolder(config, 'data', 'secrets'),
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      logLevel: config.LOG_LEVEL,
      otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
      homePage: () => homePage(ports.gateway),
      runDir: stateFolder(config, 'run'),
      supervision: { log: say },
      ...(webRoot ? { web: webApp(() => currentWebBuild() ?? webRoot, infrastructure.oidcIssuer, config) } : {}),
    });
  } catch (error) {
    await stopEverything();
    throw error;
  }
  const running = platform;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void stopEverything(() => running.stop()).then(() => process.exit(0));
    });
  }

  say('département de démonstration (Morbihan) : vérification de l’annuaire…');
  try {
    // Idempotent: the first start writes ~300 structures; later ones change nothing (API edits survive).
    await runNode([builtFile('services/directory/src/main.js'), 'seed'], {
      ...serviceEnvironment('directory', await infrastructure.database(databaseName('directory')), {
        infrastructure,
        secretsDir: stateFolder(config, 'data', 'secrets'),
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        logLevel: 'warn',
      }),
      PORT: '1',
    });
  } catch (error) {
    await stopEverything(() => running.stop());
    throw error;
  }

  // "Prêt" means usable: the diagnostic and the referral service have read the whole directory.
  const behind = await awaitDirectoryCopies({
    directoryDatabaseUrl: await infrastructure.database(databaseName('directory')),
    kafkaBrokers: infrastructure.kafkaBrokers,
    kafkaAdmin: infrastructure.kafkaAdmin,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
  });
  if (behind.length > 0) say(`les copies de l’annuaire rattrapent encore leur retard (${behind.join(' ; ')}) : les recommandations seront complètes dans un instant`);

  const accountsPath = join(stateFolder(config), 'demo-accounts.json');
  if (infrastructure.tokenEndpoint) {
    writeFileSync(accountsPath, JSON.stringify(demoAccountsFile(infrastructure, demoAccounts()), null, 2) + '\n');
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // What the orchestrator needed only to start (the seed's and the copies' clients) goes back, and later what it no
  // longer uses at rest, as in the services (libs/platform memory-release.ts).
  releaseStartupMemory();
  releaseMemoryWhenIdle();
  say(`Relais est prêt en ${seconds} s sur ${running.url}`);
  if (webRoot) say(`  espace de travail  ${running.url}/   (connexion avec un compte de démonstration ci-dessous)`);
  for (const name of serviceNames) {
    say(`  ${name.padEnd(13)} ${running.url}/api/${name}/docs`);
  }
  for (const name of splitRoles) {
    say(`  ${name.padEnd(13)} en deux processus : api (derrière la passerelle), consumers sur http://127.0.0.1:${ports.consumers[name]}/api/${name}/health`);
  }
  say(`  métriques (Prometheus, hors passerelle) : ${serviceNames.map((name) => `${name} http://127.0.0.1:${ports.metrics[name]}/metrics`).join(', ')}`);
  for (const name of splitRoles) say(`    ${name}-consumers http://127.0.0.1:${ports.consumersMetrics[name]}/metrics`);
  say(`  identité      ${infrastructure.oidcIssuer}/.well-known/openid-configuration`);
  if (infrastructure.messages) {
    say(`  courriels     ${running.url}/mail/  (fichiers .eml : ${infrastructure.messages.mailDir})`);
    say(`  SMS           ${infrastructure.messages.smsDir}  (un fichier JSON par SMS)`);
  }
  if (infrastructure.tokenEndpoint) {
    const { users } = demoAccounts();
    say(`  comptes de démonstration : ${accountsPath}`);
    // Two agents of different structures first: sending a referral from one and receiving it in the other is the demo.
    const shown = [...users.filter((user) => user.roles.includes('agent')).slice(0, 1), ...users.filter((user) => user.username === 'agent.centre-social-kercado'), ...users.filter((user) => !user.roles.includes('agent')).slice(0, 3)];
    for (const user of shown) say(`    ${user.username} / ${user.password} (${user.roles.join(', ')})`);
  }
  say(`  journaux : ${stateFolder(config, 'logs')}   —   Ctrl-C pour tout arrêter`);
}

async function migrateAll(config: LocalConfig): Promise<void> {
  const ports = localPorts(config.RELAIS_PORT);
  const infrastructure = await infrastructureFor(config, ports, { messages: false });
  try {
    await migrateServices(config, infrastructure);
  } finally {
    await infrastructure.stop();
  }
}

async function migrateServices(config: LocalConfig, infrastructure: Infrastructure): Promise<void> {
  for (const name of serviceNames) {
    const url = await infrastructure.database(databaseName(name));
    await runNode([builtFile(`services/${name}/src/main.js`), 'migrate'], {
      ...serviceEnvironment(name, url, { infrastructure, secretsDir: stateFolder(config, 'data', 'secrets') }),
      PORT: '1',
    });
  }
}

/** The master key rings: without them the sealed personal data of the rows cannot be read. */
const keyRingFiles = ['referral-master-keys', 'diagnostic-master-keys'];

/** Where a backup's key rings go: beside it, never in it, so the two are stored apart (docs/security.md, Keys). */
const keysFolderOf = (folder: string): string => `${folder.replace(/\/+$/, '')}-keys`;

/**
 * `npm run backup -- <folder>`: every service database of the running instance (its embedded PostgreSQL,
 * or the server of DATABASE_URL, an admin's URL), each in one snapshot (backup.ts); the local master key
 * rings go to `<folder>-keys`, to be kept apart from the data (a production instance keeps its keys in
 * its secret store and has none here). Both hold what must be encrypted at rest: mode 700.
 */
async function backup(config: LocalConfig, folder: string | undefined): Promise<void> {
  if (!folder) throw new Error('usage : npm run backup -- <dossier>');
  const ports = localPorts(config.RELAIS_PORT);
  const adminUrl = config.DATABASE_URL ?? `postgres://postgres:relais-dev@127.0.0.1:${ports.postgres}/postgres`;
  await backupDatabases(adminUrl, serviceNames.map(databaseName), folder, say);
  const secretsDir = stateFolder(config, 'data', 'secrets');
  const keys = keyRingFiles.filter((file) => existsSync(join(secretsDir, file)));
  if (keys.length > 0) {
    mkdirSync(keysFolderOf(folder), { recursive: true, mode: 0o700 });
    for (const file of keys) copyFileSync(join(secretsDir, file), join(keysFolderOf(folder), file));
  }
  say(
    `sauvegarde faite dans ${folder} (${serviceNames.length} bases)${keys.length ? `, trousseaux de clés dans ${keysFolderOf(folder)} : à garder ailleurs que les données` : ''} ; elle contient des données personnelles : chiffrez-la`,
  );
}

/**
 * `npm run restore -- <folder>`: into a stopped instance (a fresh state directory, or the servers of
 * DATABASE_URL and KAFKA_BROKERS with every service stopped): the key rings first (from `<folder>-keys`,
 * when the backup has them), then PostgreSQL is
 * started, the databases provisioned and migrated, the backup loaded, and the outbox's retained events
 * marked for publishing again (the next `npm start` relays them; consumers skip what they had applied).
 */
async function restore(config: LocalConfig, folder: string | undefined): Promise<void> {
  if (!folder) throw new Error('usage : npm run restore -- <dossier>');
  readManifest(folder);
  await assertPortFree(config.RELAIS_PORT, 'passerelle (arrêtez npm start avant de restaurer)');
  const secretsDir = stateFolder(config, 'data', 'secrets');
  for (const file of keyRingFiles) {
    const saved = join(keysFolderOf(folder), file);
    if (!existsSync(saved)) continue;
    const target = join(secretsDir, file);
    if (existsSync(target) && readFileSync(target, 'utf8') !== readFileSync(saved, 'utf8')) {
      throw new Error(`${target} existe et diffère de la sauvegarde : restaurez dans un dossier d'état neuf (RELAIS_STATE_DIR) ou retirez ce trousseau vous-même`);
    }
    copyFileSync(saved, target);
    chmodSync(target, 0o600);
  }
  const infrastructure = await infrastructureFor(config, localPorts(config.RELAIS_PORT));
  try {
    await migrateServices(config, infrastructure);
    await restoreDatabases(infrastructure.adminDatabaseUrl, folder, { republishOutbox: true, log: say });
  } finally {
    await infrastructure.stop();
  }
  say(`restauration faite depuis ${folder} ; npm start reprend avec ces données`);
}

/**
 * An external PostgreSQL server (DATABASE_URL = an admin's URL): each service's database and own role
 * (docs/decisions/0004-database-roles.md), the roles' passwords kept in the secrets folder, and the
 * DATABASE_URL to give each service written beside them. Idempotent: run it again after an upgrade.
 */
async function provision(config: LocalConfig): Promise<void> {
  const adminUrl = config.DATABASE_URL;
  if (!adminUrl) {
    throw new Error("DATABASE_URL absent : donnez l'URL d'un administrateur du serveur PostgreSQL (npm start prépare lui-même le serveur local)");
  }
  const secretsDir = stateFolder(config, 'data', 'secrets');
  const lines: string[] = [];
  for (const name of serviceNames) {
    lines.push(`${name.toUpperCase()}_DATABASE_URL=${await provisionServiceDatabase(adminUrl, databaseName(name), secretsDir)}`);
  }
  const file = join(secretsDir, 'database-urls.env');
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  say(`bases et rôles prêts (${serviceNames.map(databaseName).join(', ')}) ; l'URL de chaque service, mot de passe compris : ${file}`);
}

async function reset(config: LocalConfig): Promise<void> {
  await assertPortFree(config.RELAIS_PORT, 'passerelle (arrêtez npm start avant de réinitialiser)');
  for (const folder of ['data', 'logs']) rmSync(stateFolder(config, folder), { recursive: true, force: true });
  rmSync(join(stateFolder(config), 'demo-accounts.json'), { force: true });
  say('données locales effacées (bases, Kafka, clés, journaux). Le prochain npm start repart de zéro.');
}

function runNode(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    // kafkajs 2.2.4 on Node 24 (kafkajs issue 1751) warns of a negative timeout, harmlessly: not in npm start's output.
    const child = spawn(process.execPath, ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', ...args], { stdio: 'inherit', env: { PATH: process.env['PATH'] ?? '', ...env } });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} : code ${code}`))));
  });
}

function homePage(port: number): string {
  const links = serviceNames
    .map((name) => `<li><a href="/api/${name}/docs">${name}</a> — <a href="/api/${name}/openapi.json">OpenAPI</a></li>`)
    .join('');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Relais</title></head>
<body><h1>Relais</h1><p>Plateforme locale sur le port ${port}.</p><ul>${links}</ul>
<p><a href="/auth/.well-known/openid-configuration">Fournisseur d'identité</a> — <a href="/mail/">Courriels envoyés (local)</a></p></body></html>`;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`\x1b[31m[relais] échec :\x1b[0m ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
