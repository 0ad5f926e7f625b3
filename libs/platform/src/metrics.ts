import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, type NestMiddleware, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CollectFunction, type Metric } from 'prom-client';

/**
 * Prometheus metrics of one process. The registry is the process's own (never prom-client's global
 * one), so two applications booted in one test process do not collide; every series carries the
 * service and the process's role. The families are served on METRICS_PORT only (MetricsServer), never
 * through the gateway: they name topics, routes and networks, which the public has no use for.
 */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** PlatformModule's registry options: where to serve, and the labels every series carries. */
export interface MetricsOptions {
  service: string;
  role: string;
  /** 0: the registry is kept (counters still count) but nothing is served. */
  port: number;
  host: string;
}
export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

export function createMetricsRegistry(options: Pick<MetricsOptions, 'service' | 'role'>): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service, role: options.role });
  return registry;
}

/**
 * The metric of this name in the registry, or a new one. Nest may instantiate a provider of a
 * global module more than once across test applications sharing one registry: registering the same
 * name twice would throw.
 */
export function metricOf<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/**
 * A gauge measured when Prometheus scrapes (a database count, a Kafka offset): `measure` answers the
 * series to set, or throws, in which case the family is left empty for that scrape (an alert on
 * `absent()` sees it) and the collector's error counter grows. Measured with a time limit so a scrape
 * never hangs on a dependency that does not answer.
 */
export function scrapedGauge<L extends string>(
  registry: Registry,
  spec: { name: string; help: string; labelNames: readonly L[]; timeoutMs?: number },
  measure: () => Promise<Array<{ labels: Partial<Record<L, string>>; value: number }>>,
): Gauge<L> {
  const errors = metricOf(
    registry,
    'relais_metrics_collect_errors_total',
    () => new Counter({ name: 'relais_metrics_collect_errors_total', help: 'Mesures au moment du scrape qui ont échoué ou dépassé leur délai, par famille', labelNames: ['family'], registers: [registry] }),
  );
  const timeoutMs = spec.timeoutMs ?? 3_000;
  const collect: CollectFunction<Gauge<L>> = async function (this: Gauge<L>) {
    this.reset();
    let timer: NodeJS.Timeout | undefined;
    try {
      const series = await Promise.race([
        measure(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`${spec.name}: no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      for (const { labels, value } of series) this.set(labels, value);
    } catch (error) {
      errors.inc({ family: spec.name });
      new Logger('Metrics').debug(`${spec.name} not measured: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  };
  return metricOf(registry, spec.name, () => new Gauge<L>({ name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [registry], collect }));
}

/** Duration and status of every HTTP request, by the route's pattern (never the raw path: ids would explode the series). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.duration = metricOf(
      registry,
      'relais_http_request_duration_seconds',
      () =>
        new Histogram({
          name: 'relais_http_request_duration_seconds',
          help: 'Durée des requêtes HTTP par méthode, route (son motif) et statut',
          labelNames: ['method', 'route', 'status'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    );
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const end = this.duration.startTimer();
    response.once('finish', () => {
      // Express sets request.route once a route matched; a 404 of no route is counted as one series.
      const route = (request.route as { path?: unknown } | undefined)?.path;
      end({ method: request.method, route: typeof route === 'string' ? route : 'unmatched', status: String(response.statusCode) });
    });
    next();
  }
}

/** Serves the registry at /metrics on its own port, from bootstrap to shutdown. */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.port === 0) return;
    collectDefaultMetrics({ register: this.registry, prefix: 'relais_' });
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: unknown) => {
          this.logger.error(`metrics not rendered: ${error instanceof Error ? error.message : String(error)}`);
          response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics on http://${this.options.host}:${this.options.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
