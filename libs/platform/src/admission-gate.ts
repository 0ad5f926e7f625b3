import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { Admission, EventLoopLag, type AdmissionSettings, type PressureSignal, type ShedReason } from './admission';
import { METRICS_REGISTRY, metricOf } from './metrics';
import { currentTraceId, problemType, type Problem } from './problem.filter';

export const ADMISSION_SETTINGS = Symbol('ADMISSION_SETTINGS');

/** Probes answer whatever the load: an orchestrator that saw them fail would restart a process that is only busy. */
const NEVER_SHED = /\/health(\/ready)?\/?$/;

/**
 * The process's admission control (admission.ts) as an express middleware, installed by configureHttp
 * before any route, guard or body parser runs: a refused request costs a few microseconds and never
 * reaches a transaction. Refusals are counted in `relais_http_shed_total` by reason.
 */
@Injectable()
export class AdmissionGate implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly admission: Admission;
  private readonly lag = new EventLoopLag();
  private readonly logger = new Logger('Admission');
  /** Refusals since the last log line: one warning per 10 s at most, so shedding is seen without flooding the log. */
  private unlogged: Partial<Record<ShedReason, number>> = {};
  private lastLogAt = 0;

  constructor(@Inject(ADMISSION_SETTINGS) settings: AdmissionSettings, @Inject(METRICS_REGISTRY) registry: Registry) {
    this.admission = new Admission(settings, undefined, () => this.lag.current());
    const shed = metricOf(
      registry,
      'relais_http_shed_total',
      () => new Counter({ name: 'relais_http_shed_total', help: 'Requêtes refusées (503) par le contrôle d’admission, par raison', labelNames: ['reason'], registers: [registry] }),
    );
    this.admission.onShed = (reason: ShedReason) => {
      shed.inc({ reason });
      this.noteShed(reason);
    };
    const admission = this.admission;
    const lag = this.lag;
    metricOf(
      registry,
      'relais_http_in_flight',
      () =>
        new Gauge({
          name: 'relais_http_in_flight',
          help: 'Requêtes HTTP en cours (admises) et en attente d’une place',
          labelNames: ['state'],
          registers: [registry],
          collect() {
            this.set({ state: 'served' }, admission.inFlight);
            this.set({ state: 'waiting' }, admission.queued);
          },
        }),
    );
    metricOf(
      registry,
      'relais_event_loop_lag_seconds',
      () =>
        new Gauge({
          name: 'relais_event_loop_lag_seconds',
          help: 'Retard de la boucle d’événements mesuré par la sonde de l’admission',
          registers: [registry],
          collect() {
            this.set(lag.current() / 1000);
          },
        }),
    );
  }

  private noteShed(reason: ShedReason): void {
    this.unlogged[reason] = (this.unlogged[reason] ?? 0) + 1;
    const now = Date.now();
    if (now - this.lastLogAt < 10_000) return;
    this.lastLogAt = now;
    const counts = Object.entries(this.unlogged).map(([why, n]) => `${why} × ${n}`).join(', ');
    this.unlogged = {};
    this.logger.warn(`overloaded: requests refused with 503 (${counts}); ${this.admission.inFlight} in flight, ${this.admission.queued} waiting, event-loop lag ${Math.round(this.lag.current())} ms`);
  }

  /** Adds a resource's pressure (the database pool's waiting clients…) to what admission checks. */
  addSignal(signal: PressureSignal): void {
    this.admission.addSignal(signal);
  }

  onApplicationBootstrap(): void {
    if (this.admission.enabled && this.admission.settings.maxEventLoopLagMs > 0) this.lag.start();
  }

  onApplicationShutdown(): void {
    this.lag.stop();
  }

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    if (!this.admission.enabled || NEVER_SHED.test(request.path)) {
      next();
      return;
    }
    const verdict = this.admission.admit();
    if (verdict instanceof Promise) {
      verdict.then(
        (settled) => this.apply(settled, request, response, next),
        (error: unknown) => next(error),
      );
      return;
    }
    this.apply(verdict, request, response, next);
  };

  private apply(verdict: Awaited<ReturnType<Admission['admit']>>, request: Request, response: Response, next: NextFunction): void {
    if (verdict.admitted) {
      // 'close' comes after 'finish' and also when the caller hung up first: the slot is freed either way.
      response.once('close', verdict.release);
      if (response.destroyed) verdict.release();
      next();
      return;
    }
    if (response.destroyed) return;
    const problem: Problem = {
      type: problemType('overloaded'),
      title: 'Service surchargé',
      status: 503,
      detail: `Le service reçoit plus de requêtes qu'il ne peut en traiter : rien n'a été enregistré, réessayez dans ${verdict.retryAfterSeconds} s.`,
      instance: request.originalUrl,
      traceId: currentTraceId(),
      retryAfter: verdict.retryAfterSeconds,
    };
    response
      .status(503)
      .setHeader('Retry-After', String(verdict.retryAfterSeconds))
      .type('application/problem+json')
      .send(JSON.stringify(problem));
  }
}
