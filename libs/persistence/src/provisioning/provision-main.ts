/**
 * `node dist/libs/persistence/src/provisioning/provision-main.js`: provisions the services' databases
 * and roles on a server Relais does not run (ADR 0004), from a container: compose's `provision`
 * one-shot and the Helm chart's pre-install/pre-upgrade Job run it before the migrations. The same
 * work as `bash infra/bin/relais provision`, without the local platform.
 *
 *   ADMIN_DATABASE_URL            a superuser, or a role with CREATEROLE and CREATEDB
 *   RELAIS_SERVICES               default: directory,diagnostic,referral,notification,reporting
 *   DATABASE_PASSWORD_<SERVICE>   each service role's password (16 characters at least), e.g. DATABASE_PASSWORD_REFERRAL
 *
 * Idempotent: run it at every upgrade. Prints the databases it provisioned, never a password.
 */
import { ConfigError, env, loadConfig } from '@relais/platform';
import { provisionDatabase } from './database-roles';

export async function provisionServices(source: Record<string, string | undefined>, out: (line: string) => void): Promise<void> {
  const { ADMIN_DATABASE_URL: adminUrl, RELAIS_SERVICES: services } = loadConfig(
    {
      ADMIN_DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
      RELAIS_SERVICES: env.list({ default: ['directory', 'diagnostic', 'referral', 'notification', 'reporting'] }),
    },
    source,
  );
  const passwords = services.map((service) => [service, source[`DATABASE_PASSWORD_${service.toUpperCase()}`]] as const);
  const missing = passwords.filter(([, password]) => !password || password.length < 16).map(([service]) => `DATABASE_PASSWORD_${service.toUpperCase()} est absente ou fait moins de 16 caractères`);
  if (missing.length > 0) throw new ConfigError(missing);
  for (const [service, password] of passwords) {
    await provisionDatabase(adminUrl, `relais_${service}`, password ?? '');
    out(`relais_${service} : base et rôles à jour`);
  }
}

if (require.main === module) {
  provisionServices(process.env, (line) => process.stdout.write(`[provision] ${line}\n`)).catch((error: unknown) => {
    process.stderr.write(`[provision] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  });
}
