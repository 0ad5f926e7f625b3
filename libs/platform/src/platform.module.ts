import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { loggerOptions } from '@relais/observability';
import { LoggerModule } from 'nestjs-pino';
import { HealthModule, type ReadinessCheck } from './health';

export interface PlatformOptions {
  service: string;
  logLevel: string;
  /** Dependencies that /health/ready checks. */
  readiness: Type<ReadinessCheck>[];
}

/** What every service has whatever its domain: JSON logs with trace ids, liveness and readiness. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...loggerOptions(options.service, options.logLevel),
            autoLogging: { ignore: (req) => /\/health(\/ready)?$/.test(req.url ?? '') },
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
          },
        }),
        HealthModule.forRoot(options.readiness),
      ],
    };
  }
}
