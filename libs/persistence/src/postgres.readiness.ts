import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '@relais/platform';
import { DataSource } from 'typeorm';

@Injectable()
export class PostgresReadiness implements ReadinessCheck {
  readonly name = 'postgres';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
