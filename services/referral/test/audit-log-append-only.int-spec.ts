import { migrate } from '@relais/persistence';
import { createTestDatabase } from '@relais/testing';
import { Client } from 'pg';
import { database } from '../src/database';

/*
 * The referral service's audit log, in the production setup: the real migrations applied with the
 * service's own role, as its start does, then that role tries to rewrite history.
 */
describe('the audit log, for the referral service’s own role', () => {
  let referral: Awaited<ReturnType<typeof createTestDatabase>>;
  let diagnostic: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Client;

  beforeAll(async () => {
    [referral, diagnostic] = await Promise.all([createTestDatabase('referral_audit'), createTestDatabase('diagnostic_audit')]);
    await migrate(database(referral.url));
    db = new Client({ connectionString: referral.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([referral?.drop(), diagnostic?.drop()]);
  });

  it('is written and read by the service', async () => {
    await db.query(
      `INSERT INTO audit_log (at, action, actor_subject, actor_client_id, actor_roles, actor_structure_id, referral_id, person_ref, fields)
       VALUES (now(), 'read', 'agent.caf-vannes', NULL, '{agent}', NULL, NULL, 'P-1', '{person.phone}')`,
    );
    const { rows } = await db.query<{ action: string; fields: string[] }>('SELECT action, fields FROM audit_log');
    expect(rows).toEqual([{ action: 'read', fields: ['person.phone'] }]);
  });

  it.each([
    ['UPDATE', `UPDATE audit_log SET fields = '{}'`],
    ['DELETE', 'DELETE FROM audit_log'],
    ['TRUNCATE', 'TRUNCATE audit_log'],
    ['ALTER TABLE … DISABLE TRIGGER', 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete'],
    ['DROP TRIGGER', 'DROP TRIGGER audit_log_no_truncate ON audit_log'],
    ['DROP TABLE', 'DROP TABLE audit_log'],
    ['a replaced trigger function', `CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`],
  ])('refuses it %s', async (_what, statement) => {
    await expect(db.query(statement)).rejects.toMatchObject({ code: '42501' });
  });

  it('keeps its rows, its owner and its triggers', async () => {
    const admin = new Client({ connectionString: referral.adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ owner: string; n: number; triggers: string[] }>(
        `SELECT pg_get_userbyid(c.relowner) AS owner, (SELECT count(*)::int FROM audit_log) AS n,
                (SELECT array_agg(tgname::text || ':' || tgenabled::text ORDER BY tgname) FROM pg_trigger WHERE tgrelid = c.oid AND NOT tgisinternal) AS triggers
           FROM pg_class c WHERE c.oid = 'audit_log'::regclass`,
      );
      expect(rows).toEqual([{ owner: `${new URL(referral.url).username}_append_only`, n: 1, triggers: ['audit_log_no_truncate:O', 'audit_log_no_update_delete:O'] }]);
    } finally {
      await admin.end();
    }
  });

  it('and the referral role cannot reach another service’s database', async () => {
    const url = new URL(referral.url);
    url.pathname = new URL(diagnostic.url).pathname;
    const elsewhere = new Client({ connectionString: url.toString() });
    elsewhere.on('error', () => undefined);
    await expect(elsewhere.connect()).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/^permission denied for database/) });
  });
});
