/**
 * The development identity provider on its own (the compose trial's `dev-idp` profile, deploy/compose):
 * the demo département's accounts, its issuer given by IDENTITY_ISSUER (the public origin + /auth, as the
 * gateway routes it), its signing keys in IDENTITY_KEYS_FILE. Never for production: a real instance uses
 * ProConnect or a Keycloak realm (docs/operations.md).
 */
import { demoAccounts } from '@relais/demo';
import { env, loadConfig, releaseMemoryWhenIdle, releaseStartupMemory } from '@relais/platform';
import { startIdentityProvider } from './identity-provider';

async function main(): Promise<void> {
  const config = loadConfig(
    {
      IDENTITY_ISSUER: env.url({ protocols: ['http', 'https'] }),
      PORT: env.port({ default: 8080 }),
      HOST: env.string({ default: '0.0.0.0' }),
      IDENTITY_KEYS_FILE: env.string({ default: '/tmp/identity-keys.json' }),
      IDENTITY_WEB_REDIRECT_URIS: env.optionalString(),
    },
    process.env,
  );
  const provider = await startIdentityProvider({
    issuer: config.IDENTITY_ISSUER,
    port: config.PORT,
    host: config.HOST,
    accounts: demoAccounts(),
    keysFile: config.IDENTITY_KEYS_FILE,
    ...(config.IDENTITY_WEB_REDIRECT_URIS ? { webRedirectUris: config.IDENTITY_WEB_REDIRECT_URIS.split(',').map((uri) => uri.trim()) } : {}),
  });
  // Memory kept small at rest as in the services (same Node flags, libs/platform memory-release.ts).
  releaseStartupMemory();
  releaseMemoryWhenIdle();
  process.stdout.write(`identity provider ${provider.issuer} on ${config.HOST}:${config.PORT}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void provider.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`[identity] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
