import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { DomainError } from '@relais/platform';
import { roles, type Principal, type Role } from './principal';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
}

interface Discovery {
  issuer: string;
  jwks_uri: string;
}

/**
 * Verifies bearer JWTs against the issuer's keys, found through OIDC discovery and cached by jose
 * (it refetches on an unknown `kid`, so key rotation needs no restart).
 */
export class TokenVerifier {
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<Principal> {
    const jwks = await this.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['RS256', 'PS256', 'ES256'],
      }));
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new DomainError('dependency-unavailable', "Le fournisseur d'identité ne répond pas.");
      }
      throw new DomainError('unauthenticated', describe(error));
    }
    return toPrincipal(payload);
  }

  private async keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.jwks) return this.jwks;
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let discovery: Discovery;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      discovery = (await response.json()) as Discovery;
    } catch {
      throw new DomainError('dependency-unavailable', "Le fournisseur d'identité ne répond pas.");
    }
    this.jwks = createRemoteJWKSet(new URL(discovery.jwks_uri), { timeoutDuration: 5000 });
    return this.jwks;
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Le jeton a expiré.';
  if (error instanceof errors.JWTClaimValidationFailed) return `Le jeton n'est pas destiné à ce service (${error.claim}).`;
  return 'Le jeton est invalide.';
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
