import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ServiceConfig } from '@relais/platform';
import { AuthGuard } from './auth.guard';
import { MeController } from './me.controller';
import { TokenVerifier, type TokenVerifierOptions } from './token-verifier';
import { defaultWriteRateLimits, WriteRateLimiter, type WriteRateLimits } from './write-rate-limiter';

export interface AuthOptions extends TokenVerifierOptions {
  /** Limits on authenticated writes; the config's defaults when absent. */
  rateLimits?: WriteRateLimits;
}

/** The variables of serviceConfigSchema that authentication reads. */
export type AuthConfig = Pick<
  ServiceConfig,
  | 'OIDC_ISSUER'
  | 'OIDC_AUDIENCE'
  | 'RELAIS_DEPARTMENT'
  | 'RELAIS_ENVIRONMENT'
  | 'RATE_LIMIT_USER_PER_SECOND'
  | 'RATE_LIMIT_USER_BURST'
  | 'RATE_LIMIT_CLIENT_PER_SECOND'
  | 'RATE_LIMIT_CLIENT_BURST'
>;

@Module({})
export class AuthModule {
  /** What a service declares: its whole config in, so a new authentication setting needs no service edit. */
  static fromConfig(config: AuthConfig): DynamicModule {
    return AuthModule.forRoot({
      issuer: config.OIDC_ISSUER,
      audience: config.OIDC_AUDIENCE,
      department: config.RELAIS_DEPARTMENT,
      environment: config.RELAIS_ENVIRONMENT,
      rateLimits: {
        user: { perSecond: config.RATE_LIMIT_USER_PER_SECOND, burst: config.RATE_LIMIT_USER_BURST },
        client: { perSecond: config.RATE_LIMIT_CLIENT_PER_SECOND, burst: config.RATE_LIMIT_CLIENT_BURST },
      },
    });
  }

  static forRoot(options: AuthOptions): DynamicModule {
    const { rateLimits = defaultWriteRateLimits, ...verifier } = options;
    return {
      module: AuthModule,
      global: true,
      controllers: [MeController],
      providers: [
        { provide: TokenVerifier, useValue: new TokenVerifier(verifier) },
        { provide: WriteRateLimiter, useValue: new WriteRateLimiter(rateLimits) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier],
    };
  }
}
