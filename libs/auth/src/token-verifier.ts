import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { ConfigError, DomainError } from '@relais/platform';
import { roles, type Principal, type Role } from './principal';

export interface TokenVerifierOptions {
  /** `OIDC_ISSUER`: the `iss` of every token, and the exact `issuer` its discovery document must announce. */
  issuer: string;
  audience: string;
  /** `RELAIS_DEPARTMENT`: the instance's département; a token for another one is refused. */
  department: string;
  /** `RELAIS_ENVIRONMENT`: only `development` accepts an issuer (and key set) over plain http. */
  environment: 'production' | 'development';
}

/**
 * RFC 9068 §2.1 and §4: an access token's JOSE header says `typ: at+jwt` (jose also accepts the long form
 * `application/at+jwt`, as §4 asks). oidc-provider 9 sets `at+jwt` on every JWT access token; Keycloak does
 * when the client's "use at+jwt" compatibility option is on (its default is still `JWT`). An ID token
 * (no `typ`, or `JWT`) is signed by the same keys for the same issuer, and must not open the API.
 */
const ACCESS_TOKEN_TYPE = 'at+jwt';

/** How long a discovery document that names another issuer is remembered, so a flood of requests logs once. */
const MISMATCH_RETRY_MS = 5_000;

/**
 * A client sends the same token with every request for its whole lifetime, and checking its RSA signature
 * was a few percent of a creation's CPU: a token verified once is taken on trust for this long, never past
 * its `exp`. So a key the provider withdraws stops opening the API at most this much later than it would
 * without the cache (a token cannot be revoked before its `exp` either way: verification is local).
 */
const VERIFIED_TTL_MS = 60_000;
/** Distinct tokens remembered (about 1 kB each); the oldest is forgotten first. */
const VERIFIED_MAX = 2_000;

interface Discovery {
  issuer?: unknown;
  jwks_uri?: unknown;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies bearer JWTs against the issuer's keys, found through OIDC discovery and cached by jose
 * (it refetches on an unknown `kid`, so key rotation needs no restart).
 */
export class TokenVerifier {
  private readonly logger = new Logger('TokenVerifier');
  private jwks: KeySet | undefined;
  private pending: Promise<KeySet> | undefined;
  private misconfigured: { until: number; error: DomainError } | undefined;
  /** Tokens whose signature and claims were checked, with the principal they gave and until when it holds. */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly options: TokenVerifierOptions) {
    // The config already refuses this (serviceConfigSchema); checked again for callers that build options by hand.
    if (options.environment !== 'development' && !isHttps(options.issuer)) {
      throw new ConfigError([`OIDC_ISSUER doit utiliser https hors développement (reçu ${options.issuer})`]);
    }
  }

  async verify(token: string): Promise<Principal> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && now < known.until) return copyOf(known.principal);
    if (known) this.verified.delete(token);
    const payload = await this.verifySignature(token, now);
    this.checkDepartment(payload);
    const principal = toPrincipal(payload);
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value ?? '');
    const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : Number.POSITIVE_INFINITY;
    this.verified.set(token, { principal, until: Math.min(now + VERIFIED_TTL_MS, expiresAt) });
    return copyOf(principal);
  }

  /** The token's signature against the issuer's keys and its standard claims, as of `now`. */
  private async verifySignature(token: string, now: number): Promise<JWTPayload> {
    const jwks = await this.keys();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        typ: ACCESS_TOKEN_TYPE,
        algorithms: ['RS256', 'PS256', 'ES256'],
        // The same clock as the cache's, so a token is never taken past its `exp` by one and not the other.
        currentDate: new Date(now),
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new DomainError('dependency-unavailable', "Le fournisseur d'identité ne répond pas.");
      }
      throw new DomainError('unauthenticated', describe(error));
    }
  }

  /** One instance serves one département: a token of a neighbouring instance's provider opens nothing here. */
  private checkDepartment(payload: JWTPayload): void {
    const claimed = payload['department'];
    if (claimed === this.options.department) return;
    if (typeof claimed !== 'string' || claimed === '') {
      throw new DomainError('unauthenticated', `Le jeton ne précise pas de département : cette instance ne sert que le département ${this.options.department}.`);
    }
    throw new DomainError(
      'unauthenticated',
      `Le jeton a été délivré pour un autre département (${claimed}) : cette instance ne sert que le département ${this.options.department}.`,
    );
  }

  private async keys(): Promise<KeySet> {
    if (this.jwks) return this.jwks;
    if (this.misconfigured && Date.now() < this.misconfigured.until) throw this.misconfigured.error;
    // Concurrent first requests share one discovery round trip (and one log line if it goes wrong).
    this.pending ??= this.discover().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async discover(): Promise<KeySet> {
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let discovery: Discovery;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      discovery = (await response.json()) as Discovery;
    } catch (error) {
      this.logger.warn(`OIDC discovery at ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new DomainError('dependency-unavailable', "Le fournisseur d'identité ne répond pas.");
    }
    // OpenID Connect Discovery §4.3: the issuer announced must be identical to the one configured. Anything
    // else (another realm, a trailing slash, http for https) means the keys could be someone else's.
    const problem =
      discovery.issuer !== this.options.issuer
        ? `announces issuer ${JSON.stringify(discovery.issuer)} but OIDC_ISSUER is ${JSON.stringify(this.options.issuer)}`
        : typeof discovery.jwks_uri !== 'string' || !URL.canParse(discovery.jwks_uri)
          ? 'has no valid jwks_uri'
          : undefined;
    if (problem !== undefined || typeof discovery.jwks_uri !== 'string') {
      this.logger.error(`OIDC discovery at ${url} ${problem ?? 'is unusable'}: no token can be verified until the configuration is fixed`);
      const error = new DomainError(
        'dependency-unavailable',
        "Le fournisseur d'identité ne correspond pas à la configuration de ce service : aucun jeton ne peut être vérifié pour l'instant.",
      );
      this.misconfigured = { until: Date.now() + MISMATCH_RETRY_MS, error };
      throw error;
    }
    this.misconfigured = undefined;
    this.jwks = createRemoteJWKSet(new URL(discovery.jwks_uri), { timeoutDuration: 5000 });
    return this.jwks;
  }
}

function isHttps(url: string): boolean {
  return URL.parse(url)?.protocol === 'https:';
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Le jeton a expiré.';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'typ') {
    return "Ce jeton n'est pas un jeton d'accès (en-tête typ « at+jwt » attendu) : un jeton d'identité ne donne pas accès à l'API.";
  }
  if (error instanceof errors.JWTClaimValidationFailed) return `Le jeton n'est pas destiné à ce service (${error.claim}).`;
  return 'Le jeton est invalide.';
}

/** Each request gets its own principal: one handler changing it cannot change the next request's. */
function copyOf(principal: Principal): Principal {
  return { ...principal, networkIds: [...principal.networkIds], roles: [...principal.roles] };
}

function toPrincipal(payload: JWTPayload): Principal {
  const claimedRoles = Array.isArray(payload['roles']) ? payload['roles'] : [];
  const networkIds = Array.isArray(payload['network_ids']) ? payload['network_ids'] : [];
  return {
    subject: payload.sub ?? (typeof payload['client_id'] === 'string' ? payload['client_id'] : ''),
    clientId: typeof payload['client_id'] === 'string' ? payload['client_id'] : null,
    structureId: typeof payload['structure_id'] === 'string' ? payload['structure_id'] : null,
    networkIds: networkIds.filter((id): id is string => typeof id === 'string'),
    department: typeof payload['department'] === 'string' ? payload['department'] : null,
    roles: claimedRoles.filter((role): role is Role => (roles as readonly unknown[]).includes(role)),
  };
}
