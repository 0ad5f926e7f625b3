import { Controller, Get, HttpCode, HttpStatus, Inject, Module, Res, type DynamicModule, type Type } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from './public-route';

/** A dependency the service cannot work without (its database, the broker). */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

const READINESS_CHECKS = Symbol('READINESS_CHECKS');
const CHECK_TIMEOUT_MS = 2000;

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  checks: Record<string, { status: 'up' | 'down'; error?: string; durationMs: number }>;
}

@ApiTags('santé')
@Public() // probed by orchestrators, which hold no token
@Controller('health')
class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Vivacité : le processus répond' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Disponibilité : la base de données et Kafka répondent' })
  @ApiOkResponse({ description: 'Toutes les dépendances répondent' })
  @ApiServiceUnavailableResponse({ description: 'Au moins une dépendance ne répond pas' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((c) => runCheck(c)));
    const report: ReadinessReport = {
      status: results.every(([, r]) => r.status === 'up') ? 'ready' : 'not-ready',
      checks: Object.fromEntries(results),
    };
    response.status(report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}

async function runCheck(check: ReadinessCheck): Promise<[string, ReadinessReport['checks'][string]]> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return [check.name, { status: 'up', durationMs: Math.round(performance.now() - started) }];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [check.name, { status: 'down', error: message, durationMs: Math.round(performance.now() - started) }];
  } finally {
    clearTimeout(timer);
  }
}

@Module({})
export class HealthModule {
  static forRoot(checks: Type<ReadinessCheck>[]): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_CHECKS,
          useFactory: (...instances: ReadinessCheck[]) => instances,
          inject: checks,
        },
      ],
    };
  }
}
