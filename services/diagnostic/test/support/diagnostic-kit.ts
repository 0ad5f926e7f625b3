import { randomBytes } from 'node:crypto';
import { clientToken, startTestService, userToken, type TestService } from '@relais/testing';
import { Client } from 'pg';
import { AppModule, service as diagnosticService } from '../../src/app.module';
import { readConfig } from '../../src/config';

/** A master key ring as DIAGNOSTIC_MASTER_KEYS reads it, from named keys (first is current). */
export function ringOf(keys: Record<string, Buffer>): string {
  return Object.entries(keys)
    .map(([id, key]) => `${id}:${key.toString('base64')}`)
    .join(',');
}

/** The diagnostic service in-process, with a master key ring of its own unless one is given. */
export function startDiagnostic(overrides: Record<string, string> = {}): Promise<TestService> {
  return startTestService(diagnosticService, readConfig, (c) => AppModule.forRoot(c), { DIAGNOSTIC_MASTER_KEYS: ringOf({ k1: randomBytes(32) }), ...overrides });
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  ms: number;
}

/** One HTTP call to the service, timed. */
export async function call<T = unknown>(
  service: TestService,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const started = performance.now();
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await response.json()) as T;
  return { status: response.status, body: parsed, headers: response.headers, ms: performance.now() - started };
}

/** A query on the service's own database, as an operator (or an attacker with a dump) would see it. */
export async function sql<R extends object = Record<string, unknown>>(databaseUrl: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** True once the service's consumer has applied (or skipped) the event with this CloudEvents id. */
export async function applied(databaseUrl: string, eventId: string): Promise<boolean> {
  return (await sql(databaseUrl, `SELECT 1 FROM messaging_inbox WHERE event_id = $1`, [eventId])).length > 0;
}

/** Real tokens from the run's identity provider, for the demo accounts the tests act as. */
export async function demoTokens() {
  const user = async (username: string) => (await userToken((u) => u.username === username)).token;
  return {
    ploermelAgent: await user('agent.mediatheque-ploermel'),
    mauronAgent: await user('agent.france-services-mauron'),
    kercadoAgent: await user('agent.centre-social-kercado'),
    cafAgent: await user('agent.caf-vannes'),
    caf2Agent: await user('agent2.caf-vannes'),
    cafIntegration: (await clientToken((c) => c.clientId === 'caf-vannes-integration')).token,
    coordPloermel: await user('coord.ploermel'),
    coordVannes: await user('coord.vannes'),
    admin: await user('admin.departement'),
  };
}

