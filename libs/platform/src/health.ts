import { Controller, Get, HttpCode, HttpStatus, Inject, Logger, Module, Res, type DynamicModule, type Type } from '@nestjs/common';
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

/**
 * What the public probe says: ready or not, and which dependency is down, nothing more. The probe is
 * reachable without a token through the gateway, so a driver's message (host names, ports, user names,
 * a connection string) would tell an outsider how the instance is built; that detail goes to the log.
 */
export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  checks: Record<string, { status: 'up' | 'down' }>;
}

interface CheckResult {
  name: string;
  up: boolean;
  durationMs: number;
  error?: string;
}

@ApiTags('santé')
@Public() // probed by orchestrators, which hold no token
@Controller('health')
class HealthController {
  private readonly logger = new Logger('Readiness');

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
  @ApiOkResponse({ description: 'Toutes les dépendances répondent', schema: { example: { status: 'ready', checks: { postgres: { status: 'up' }, kafka: { status: 'up' } } } } })
  @ApiServiceUnavailableResponse({
    description: 'Au moins une dépendance ne répond pas (le détail est dans le journal du service)',
    schema: { example: { status: 'not-ready', checks: { postgres: { status: 'up' }, kafka: { status: 'down' } } } },
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((c) => runCheck(c)));
    for (const result of results) {
      if (!result.up) {
        this.logger.warn({ dependency: result.name, durationMs: result.durationMs, error: result.error }, `readiness: ${result.name} is down`);
      }
    }
    const report: ReadinessReport = {
      status: results.every((r) => r.up) ? 'ready' : 'not-ready',
      checks: Object.fromEntries(results.map((r) => [r.name, { status: r.up ? 'up' : 'down' }])),
    };
    response.status(report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, up: true, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: check.name, up: false, durationMs: Math.round(performance.now() - started), error: message };
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
