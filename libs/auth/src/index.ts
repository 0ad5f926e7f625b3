export {
  generateActionLinkKeys,
  parseSigningKey,
  parseVerifyKeys,
  signActionLink,
  verifyActionLink,
  type ActionLinkCheck,
  type ActionLinkClaims,
} from './action-link-token';
export { AuthModule, type AuthConfig, type AuthOptions } from './auth.module';
export { AuthGuard } from './auth.guard';
export { CurrentPrincipal, Public, Roles, type AuthenticatedRequest } from './decorators';
export { callerKey, hasRole, isClientCaller, roles, type Principal, type Role } from './principal';
export { TokenVerifier, type TokenVerifierOptions } from './token-verifier';
export { defaultWriteRateLimits, TokenBuckets, WriteRateLimiter, type RateLimit, type WriteRateLimits } from './write-rate-limiter';
