import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiProblems, PUBLIC_ROUTE, Public } from '@relais/platform';
import type { Request } from 'express';
import type { Principal, Role } from './principal';

export { PUBLIC_ROUTE, Public };
export const REQUIRED_ROLES = 'relais:roles';

/** The caller needs at least one of these roles (403 otherwise, which the OpenAPI document declares with the problem schema). */
export const Roles = (...wanted: Role[]): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(REQUIRED_ROLES, wanted), ApiProblems(403));

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
