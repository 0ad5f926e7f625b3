import { DEMO_DEPARTMENT } from './demo-places';

/*
 * The local instance (npm start, the tests, the benchmarks): what its services are told about where they
 * run, and the public settings of its identity provider (infra/src/identity) that a client needs to sign
 * in — the provider and the token client of the tests and benchmarks (libs/testing) both read them here.
 */

/** The instance the local platform, the tests and the benchmarks run: the demo département, in development mode. */
export const localInstance = { RELAIS_DEPARTMENT: DEMO_DEPARTMENT, RELAIS_ENVIRONMENT: 'development' } as const;

/** The one scope of the Relais API; access is decided by roles and structure, not by scopes. */
export const RELAIS_API_SCOPE = 'relais';
/** The web workspace: a public client (no secret) using authorization code + PKCE. */
export const WEB_CLIENT_ID = 'relais-web';
/** The web app's redirect URIs on the local gateway; the first is what passwordLogin uses by default. */
export const DEFAULT_WEB_REDIRECT_URIS = ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/auth/callback'] as const;
