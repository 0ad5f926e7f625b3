export { AuthModule } from './auth.module';
export { AuthGuard } from './auth.guard';
export { CurrentPrincipal, Public, Roles, type AuthenticatedRequest } from './decorators';
export { hasRole, roles, type Principal, type Role } from './principal';
export { TokenVerifier, type TokenVerifierOptions } from './token-verifier';
