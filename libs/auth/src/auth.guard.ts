import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@relais/platform';
import { PUBLIC_ROUTE, REQUIRED_ROLES, type AuthenticatedRequest } from './decorators';
import { hasRole, type Role } from './principal';
import { TokenVerifier } from './token-verifier';
import { WriteRateLimiter } from './write-rate-limiter';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(WriteRateLimiter) private readonly rateLimiter: WriteRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new DomainError('unauthenticated', 'Un jeton Bearer est requis (en-tête Authorization).');
    }
    const principal = await this.verifier.verify(match[1]);
    request.principal = principal;

    // Before the role check and the body's validation: a refused write still spends the caller's budget.
    this.rateLimiter.check(principal, request.method);

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && required.length > 0 && !hasRole(principal, ...required)) {
      throw new DomainError('forbidden', `Cette action demande le rôle ${required.join(' ou ')}.`, {
        requiredRoles: required,
      });
    }
    return true;
  }
}
