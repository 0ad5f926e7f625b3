import { Controller, Get, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { AdmissionSettings } from './admission';
import { ADMISSION_SETTINGS, AdmissionGate } from './admission-gate';
import { configureHttp } from './bootstrap';
import { HealthModule } from './health';
import { METRICS_REGISTRY } from './metrics';

/** Requests to /v1/slow are held until the test lets them go, so "in flight" needs no timing. */
const held: Array<() => void> = [];

@Controller('v1')
class SlowController {
  @Post('slow')
  async slow(): Promise<{ done: true }> {
    await new Promise<void>((resolve) => held.push(resolve));
    return { done: true };
  }

  @Get('fast')
  fast(): string {
    return 'ok';
  }
}

const settings: AdmissionSettings = { maxConcurrent: 2, maxQueue: 1, maxWaitMs: 10_000, maxEventLoopLagMs: 0, retryAfterSeconds: 1 };
const registry = new Registry();

@Module({
  imports: [HealthModule.forRoot([])],
  controllers: [SlowController],
  providers: [{ provide: ADMISSION_SETTINGS, useValue: settings }, { provide: METRICS_REGISTRY, useValue: registry }, AdmissionGate],
})
class SlowModule {}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('AdmissionGate over HTTP', () => {
  let app: INestApplication;
  let base: string;
  let gate: AdmissionGate;
  let document: ReturnType<typeof configureHttp>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SlowModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = configureHttp(app, { name: 'slow', title: 'Slow', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api/slow`;
    gate = app.get(AdmissionGate);
  });

  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await app.close();
  });

  it('refuses past the limit with 503 problem+json and Retry-After, serves probes meanwhile, then serves the queued', async () => {
    const served = [fetch(`${base}/v1/slow`, { method: 'POST' }), fetch(`${base}/v1/slow`, { method: 'POST' })];
    await until(() => held.length === 2);
    const queued = fetch(`${base}/v1/slow`, { method: 'POST' });
    await until(() => gate.admission.queued === 1);

    const refused = await fetch(`${base}/v1/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ type: 'urn:relais:problem:overloaded', status: 503, instance: '/api/slow/v1/slow', retryAfter: 1 });
    expect((await fetch(`${base}/v1/fast`)).status).toBe(503);

    // Liveness and readiness never wait behind the API.
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    for (const release of held.splice(0)) release();
    expect((await Promise.all(served)).map((response) => response.status)).toEqual([201, 201]);
    await until(() => held.length === 1);
    for (const release of held.splice(0)) release();
    expect((await queued).status).toBe(201);
    expect(gate.admission.inFlight).toBe(0);
    expect((await fetch(`${base}/v1/fast`)).status).toBe(200);

    const metrics = await registry.metrics();
    expect(metrics).toMatch(/relais_http_shed_total\{reason="queue-full"\} 2/);
  });

  it('frees the slot of a caller that hung up before its answer', async () => {
    const aborted = new AbortController();
    const gone = fetch(`${base}/v1/slow`, { method: 'POST', signal: aborted.signal }).catch((error: unknown) => error);
    await until(() => held.length === 1);
    expect(gate.admission.inFlight).toBe(1);
    aborted.abort();
    await gone;
    await until(() => gate.admission.inFlight === 0);
    for (const release of held.splice(0)) release();
  });

  it('declares 503 with Retry-After on every operation but the probes', () => {
    expect(document?.paths['/api/slow/v1/slow']?.['post']?.responses['503']).toMatchObject({ headers: { 'Retry-After': { schema: { type: 'integer' } } } });
    expect(document?.paths['/api/slow/v1/fast']?.['get']?.responses).toHaveProperty('503');
    expect(document?.paths['/api/slow/health']?.['get']?.responses ?? {}).not.toHaveProperty('503');
  });
});
