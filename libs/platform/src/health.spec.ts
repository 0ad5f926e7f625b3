import { Global, Injectable, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { configureHttp } from './bootstrap';
import { HealthModule, type ReadinessCheck } from './health';

/** A real driver failing for real: PostgreSQL's client against a port where nothing listens. */
@Injectable()
class UnreachablePostgres implements ReadinessCheck {
  readonly name = 'postgres';
  async check(): Promise<void> {
    const client = new Client({ connectionString: 'postgres://relais_referral:s3cret-password@127.0.0.1:1/relais_referral', connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

@Injectable()
class FailingKafka implements ReadinessCheck {
  readonly name = 'kafka';
  check(): Promise<void> {
    return Promise.reject(new Error('Connection timeout to broker kafka-0.relais.svc.cluster.local:9093 (SASL user relais-referral)'));
  }
}

@Injectable()
class HealthyKafka implements ReadinessCheck {
  readonly name = 'kafka';
  check(): Promise<void> {
    return Promise.resolve();
  }
}

async function start(checks: Parameters<typeof HealthModule.forRoot>[0]): Promise<{ app: INestApplication; base: string }> {
  // As in a service, the checks come from global modules (persistence, messaging).
  @Global()
  @Module({ providers: checks, exports: checks })
  class DependenciesModule {}
  const moduleRef = await Test.createTestingModule({ imports: [DependenciesModule, HealthModule.forRoot(checks)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureHttp(app, { name: 'probe', title: 'probe', description: 'test' });
  await app.listen(0, '127.0.0.1');
  return { app, base: `${await app.getUrl()}/api/probe` };
}

describe('readiness', () => {
  afterEach(() => jest.restoreAllMocks());

  it('says ready when every dependency answers', async () => {
    const { app, base } = await start([HealthyKafka]);
    try {
      const response = await fetch(`${base}/health/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: { kafka: { status: 'up' } } });
    } finally {
      await app.close();
    }
  });

  it('names the dependency that is down, and nothing of why: the detail goes to the log', async () => {
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { app, base } = await start([UnreachablePostgres, FailingKafka]);
    try {
      const response = await fetch(`${base}/health/ready`);
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ status: 'not-ready', checks: { postgres: { status: 'down' }, kafka: { status: 'down' } } });
      expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|relais_referral|s3cret|kafka-0|SASL|timeout/i);

      const logged = JSON.stringify(warnings.mock.calls);
      expect(logged).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
      expect(logged).toMatch(/kafka-0\.relais\.svc\.cluster\.local/);
      expect(warnings).toHaveBeenCalledWith(expect.objectContaining({ dependency: 'postgres' }), 'readiness: postgres is down');
    } finally {
      await app.close();
    }
  });
});
