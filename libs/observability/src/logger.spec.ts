import { Writable } from 'node:stream';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import pino from 'pino';
import { loggerOptions } from './logger';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('loggerOptions', () => {
  beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterAll(() => context.disable());

  it('writes JSON lines with the service, an ISO time and the trace of the current span', () => {
    const { stream, lines } = capture();
    const logger = pino(loggerOptions('referral', 'info'), stream);
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info('referral created'));
    logger.info('outside any trace');
    const [inside, outside] = lines();
    expect(inside).toMatchObject({ service: 'referral', level: 'info', message: 'referral created', trace_id: spanContext.traceId, span_id: spanContext.spanId });
    expect(new Date(String(inside?.['time'])).toISOString()).toBe(inside?.['time']);
    expect(outside).not.toHaveProperty('trace_id');
  });

  it('masks authorization headers and cookies', () => {
    const { stream, lines } = capture();
    pino(loggerOptions('directory', 'info'), stream).info({ req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } } }, 'request');
    expect(JSON.stringify(lines()[0])).not.toMatch(/Bearer abc|sid=1/);
  });
});
