import { Writable } from 'node:stream';
import { Body, Controller, Module, Post, type INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createServiceApp, PlatformModule, Public } from '../src';

/*
 * A statement that fails with a person's data in its parameters, through the service chassis exactly as a
 * service runs it (createServiceApp: pino logger, problem filter), against a real PostgreSQL. PostgreSQL
 * repeats the values in its report (detail "Key (email)=(…)", "Failing row contains (…)", the message of a
 * data exception); none of them may reach the log, while the SQLSTATE and the constraint must.
 */

/**
 * The run's PostgreSQL, as libs/testing's global setup publishes it (read here rather than through
 * @relais/testing, which depends on this library).
 */
function adminDatabaseUrl(): string {
  const url = process.env['RELAIS_TEST_ADMIN_DATABASE_URL'];
  if (!url) throw new Error('RELAIS_TEST_ADMIN_DATABASE_URL absent: run through jest.integration.config.js');
  return url;
}

async function admin(statement: string): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const EMAIL = 'jeanne.dupont@example.fr';
const NAME = 'Jeanne Dupont';
const PHONE = '06 12 34 56 78';

let dataSource: DataSource;

@Controller('v1/persons')
class PersonsController {
  @Public()
  @Post('duplicate')
  async duplicate(@Body() body: { email: string }): Promise<void> {
    await dataSource.query('INSERT INTO person (email, name) VALUES ($1, $2)', [body.email, NAME]);
  }

  @Public()
  @Post('malformed')
  async malformed(@Body() body: { name: string }): Promise<void> {
    await dataSource.query('SELECT $1::uuid AS id', [body.name]);
  }

  @Public()
  @Post('phone')
  async phone(@Body() body: { phone: string }): Promise<void> {
    await dataSource.query('INSERT INTO person (email, name, phone) VALUES ($1, $2, $3)', ['other@example.fr', NAME, body.phone]);
  }
}

describe('500 logs', () => {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  let drop: () => Promise<void>;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const name = `t_platform_logs_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE DATABASE "${name}"`);
    drop = () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const url = new URL(adminDatabaseUrl());
    url.pathname = `/${name}`;
    dataSource = await new DataSource({ type: 'postgres', url: url.toString() }).initialize();
    await dataSource.query(`CREATE TABLE person (
      id serial PRIMARY KEY,
      email text NOT NULL CONSTRAINT person_email_key UNIQUE,
      name text NOT NULL,
      phone text CONSTRAINT person_phone_digits CHECK (phone ~ '^[0-9]{10}$'))`);
    await dataSource.query('INSERT INTO person (email, name) VALUES ($1, $2)', [EMAIL, NAME]);

    @Module({ imports: [PlatformModule.forRoot({ service: 'probe', logLevel: 'info', readiness: [], logDestination: capture })], controllers: [PersonsController] })
    class ProbeModule {}
    app = await createServiceApp(ProbeModule, { name: 'probe', title: 'probe', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api/probe`;
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await drop?.();
  });

  const post = async (path: string, body: Record<string, string>) => {
    lines.length = 0;
    const response = await fetch(`${base}/v1/persons/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toMatch(/jeanne|dupont|06 12|person_/i);
    const log = lines.join('\n');
    expect(log).not.toMatch(/jeanne|dupont|06 12 34 56 78|0612345678/i);
    const unhandled = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['message'] === 'unhandled error');
    if (!unhandled) throw new Error(`no "unhandled error" line in:\n${log}`);
    return unhandled['err'] as Record<string, unknown>;
  };

  it('keeps the SQLSTATE and the constraint of a unique violation, not the duplicated e-mail', async () => {
    const err = await post('duplicate', { email: EMAIL });
    expect(err).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      constraint: 'person_email_key',
      table: 'person',
      message: 'duplicate key value violates unique constraint "person_email_key"',
      query: 'INSERT INTO person (email, name) VALUES ($1, $2)',
    });
    expect(err).not.toHaveProperty('parameters');
    expect(err).not.toHaveProperty('detail');
    expect(String(err['stack'])).toMatch(/QueryFailedError: duplicate key value/);
  });

  it('masks the value quoted in the message of a data exception', async () => {
    const err = await post('malformed', { name: NAME });
    expect(err).toMatchObject({ code: '22P02', message: 'invalid input syntax for type uuid: "[masqué]"' });
  });

  it('drops the failing row of a check violation', async () => {
    const err = await post('phone', { phone: PHONE });
    expect(err).toMatchObject({ code: '23514', constraint: 'person_phone_digits' });
  });
});
