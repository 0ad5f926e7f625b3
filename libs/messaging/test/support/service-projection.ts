import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { trace } from '@opentelemetry/api';
import type { EventPayload } from '@relais/contracts';
import { loggerOptions } from '@relais/observability';
import pino from 'pino';
import { Column, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { HandlesEvent, PermanentEventError, type EventContext } from '../../src';

const SERVICE_SNAPSHOT = 'fr.relais.directory.service.snapshot.v1';
export type ServiceSnapshot = EventPayload<typeof SERVICE_SNAPSHOT>;

/** A read model of directory services, as a consuming service would keep one. */
@Entity('test_service_projection')
export class ServiceProjection {
  @PrimaryColumn('uuid', { name: 'service_id' }) serviceId!: string;
  @Column('text') name!: string;
  /** Last snapshot version applied. */
  @Column('int') version!: number;
  /** How many times the handler changed this row: more than the number of events means a duplicate effect. */
  @Column('int') applied!: number;
  /** Snapshots that arrived with a version not above the one held: per-key order broken. */
  @Column('int', { name: 'out_of_order' }) outOfOrder!: number;
}

export class TestProjection1732350000001 implements MigrationInterface {
  name = 'TestProjection1732350000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE test_service_projection (
        service_id uuid PRIMARY KEY,
        name text NOT NULL,
        version int NOT NULL,
        applied int NOT NULL,
        out_of_order int NOT NULL DEFAULT 0
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE test_service_projection`);
  }
}

export interface HandledEvent {
  id: string;
  serviceId: string;
  version: number;
  attempt: number;
  /** The trace active while the handler ran. */
  traceId: string | undefined;
  traceparent: string | undefined;
  /** The handler's log line, through the services' logger options (their trace_id mixin). */
  log: Record<string, unknown>;
}

/** What the handler logs, kept as the JSON lines a service would write. */
function capturingLogger(): { logger: pino.Logger; last: () => Record<string, unknown> } {
  let line = '{}';
  const logger = pino(loggerOptions('directory', 'info'), { write: (text: string) => (line = text) });
  return { logger, last: () => JSON.parse(line) as Record<string, unknown> };
}

/**
 * The handler under test. Its effect is deliberately not idempotent (a counter), so only the inbox
 * can keep a redelivered event from counting twice. Names steer failures: `poison…` fails for good
 * until `fixed`, `flaky…` fails transiently `flakyFailures` times per event.
 */
@Injectable()
export class ServiceProjector {
  readonly handled: HandledEvent[] = [];
  fixed = false;
  flakyFailures = 2;
  private readonly failures = new Map<string, number>();
  private readonly log = capturingLogger();

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent(SERVICE_SNAPSHOT)
  async onService(payload: ServiceSnapshot, context: EventContext): Promise<void> {
    if (payload.name.startsWith('poison') && !this.fixed) throw new PermanentEventError(`cannot project ${payload.name}`);
    if (payload.name.startsWith('flaky')) {
      const failed = this.failures.get(context.id) ?? 0;
      if (failed < this.flakyFailures) {
        this.failures.set(context.id, failed + 1);
        throw new Error(`database hiccup #${failed + 1}`);
      }
    }
    const repository = this.txHost.tx.getRepository(ServiceProjection);
    const current = await repository.findOne({ where: { serviceId: payload.serviceId }, lock: { mode: 'pessimistic_write' } });
    await repository.save({
      serviceId: payload.serviceId,
      name: payload.name,
      version: Math.max(payload.version, current?.version ?? 0),
      applied: (current?.applied ?? 0) + 1,
      outOfOrder: (current?.outOfOrder ?? 0) + (current && payload.version <= current.version ? 1 : 0),
    });
    this.log.logger.info({ eventId: context.id }, 'service projected');
    this.handled.push({
      log: this.log.last(),
      id: context.id,
      serviceId: payload.serviceId,
      version: payload.version,
      attempt: context.attempt,
      traceId: trace.getActiveSpan()?.spanContext().traceId,
      traceparent: context.traceparent,
    });
  }
}
