import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AdmissionGate } from '@relais/platform';
import { DataSource } from 'typeorm';

export const POOL_WAITING_LIMIT = Symbol('POOL_WAITING_LIMIT');

/** The part of node-postgres' pool that says how many clients wait for a connection. */
interface PoolCounts {
  waitingCount?: unknown;
}

/**
 * Adds the database pool to admission control: when more than `limit` queries already wait for a
 * connection, a new request would only lengthen that queue (each holds its caller for the wait), so it is
 * refused at once with 503. Read from TypeORM's postgres driver, whose `master` is the node-postgres pool.
 */
@Injectable()
export class PoolPressure implements OnModuleInit {
  constructor(
    private readonly gate: AdmissionGate,
    private readonly dataSource: DataSource,
    @Inject(POOL_WAITING_LIMIT) private readonly limit: number,
  ) {}

  onModuleInit(): void {
    if (this.limit <= 0) return;
    const driver = this.dataSource.driver as unknown as { master?: PoolCounts };
    this.gate.addSignal(() => {
      const waiting = driver.master?.waitingCount;
      return typeof waiting === 'number' && waiting > this.limit ? 'pool-wait' : undefined;
    });
  }
}
