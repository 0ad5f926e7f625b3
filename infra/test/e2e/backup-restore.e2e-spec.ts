import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually, passwordLogin } from '@relais/testing';
import { repoRoot, stateSubdir } from '../../src';
import { freeBasePort, startLocalPlatform, type LocalPlatform } from './support/local-platform';

/** `npm run backup|restore -- <folder>` as an operator runs them: the compiled orchestrator's commands. */
function relais(command: 'backup' | 'restore', folder: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'dist/infra/src/cli.js'), command, folder], {
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * A backup of a running instance restored into a fresh state directory: a new PostgreSQL and a new,
 * empty Kafka. Every referral and every journey is found again, the sealed personal data still reads
 * (the key rings are restored from beside the backup), and the outbox's retained events are published again.
 */
describe('backup and restore', () => {
  let source: LocalPlatform | undefined;
  let restored: LocalPlatform | undefined;
  const folder = join(mkdtempSync(join(tmpdir(), 'relais-backup-')), 'sauvegarde');
  const created: Array<{ id: string; person: string; status: string }> = [];

  afterAll(async () => {
    await source?.stop();
    await restored?.stop();
    rmSync(join(folder, '..'), { recursive: true, force: true });
  });

  const login = async (platform: LocalPlatform, username: string): Promise<string> => {
    const account = platform.accounts.users.find((u) => u.username === username);
    if (!account) throw new Error(`demo user ${username} missing`);
    return (await passwordLogin(platform.accounts.issuer, account.username, account.password)).accessToken;
  };
  const call = async (platform: LocalPlatform, token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${platform.origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('backs up a running instance', async () => {
    source = await startLocalPlatform('backup');
    const sender = await login(source, 'agent.caf-vannes');
    const receiver = await login(source, 'agent.association-lorient');
    const receiving = source.accounts.users.find((u) => u.username === 'agent.association-lorient');
    const structure = (await (await fetch(`${source.origin}/api/directory/v1/structures/${receiving?.structureId ?? ''}`)).json()) as { services: Array<{ id: string }> };
    let receivingServiceId = '';
    for (const { id } of structure.services) {
      const service = (await (await fetch(`${source.origin}/api/directory/v1/services/${id}`)).json()) as { acceptsRelaisReferrals: boolean };
      if (service.acceptsRelaisReferrals) receivingServiceId ||= id;
    }
    for (const [index, lastName] of ['Le Goff', 'Tanguy', 'Morvan'].entries()) {
      const sent = await call(source, sender, 'POST', '/api/referral/v1/referrals', {
        receivingServiceId,
        person: { firstName: 'Anne', lastName, phone: '+33612345678', contactPreference: 'phone' },
        reason: `Démarche en ligne n° ${index}`,
        needs: ['numerique--acceder-a-des-services-en-ligne'],
        urgency: 'normal',
        consent: { scope: ['contact', 'reason'], method: 'oral', obtainedAt: new Date(Date.now() - 60_000).toISOString() },
      });
      expect(sent.status).toBe(201);
      const id = String(sent.body['id']);
      if (index === 0) expect((await call(source, receiver, 'POST', `/api/referral/v1/referrals/${id}/transitions`, { status: 'received' })).status).toBe(200);
      const read = await call(source, sender, 'GET', `/api/referral/v1/referrals/${id}`);
      created.push({ id, person: String(read.body['personReference']), status: String(read.body['status']) });
    }

    const result = await relais('backup', folder, { RELAIS_PORT: String(source.port), RELAIS_STATE_DIR: source.stateDir });
    expect(result).toEqual({ code: 0, output: expect.stringContaining('sauvegarde faite') });
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { databases: Record<string, { tables: Record<string, number> }> };
    expect(manifest.databases['relais_referral']?.tables['referrals']).toBe(3);
    expect(Object.keys(manifest.databases).sort()).toEqual(['relais_diagnostic', 'relais_directory', 'relais_notification', 'relais_referral', 'relais_reporting']);
    // The key rings travel beside the data, never inside it.
    expect(existsSync(join(`${folder}-keys`, 'referral-master-keys'))).toBe(true);
    expect(existsSync(join(folder, 'secrets'))).toBe(false);
    // A second backup never mixes into the first.
    expect((await relais('backup', folder, { RELAIS_PORT: String(source.port), RELAIS_STATE_DIR: source.stateDir })).code).not.toBe(0);
    await source.stop();
    source = undefined;
  }, 400_000);

  it('restores into a fresh state directory, where every referral and journey is found again', async () => {
    // The state directory startLocalPlatform('restored') will use, restored first while nothing runs.
    const stateDir = stateSubdir('test', `e2e-restored-${process.pid}`);
    const result = await relais('restore', folder, { RELAIS_PORT: String(await freeBasePort()), RELAIS_STATE_DIR: stateDir });
    expect(result).toEqual({ code: 0, output: expect.stringContaining('restauration faite') });

    restored = await startLocalPlatform('restored');
    expect(restored.stateDir).toBe(stateDir);
    const sender = await login(restored, 'agent.caf-vannes');
    for (const { id, person, status } of created) {
      const referral = await call(restored, sender, 'GET', `/api/referral/v1/referrals/${id}`);
      expect(referral.status).toBe(200);
      expect(referral.body).toMatchObject({ id, status, personReference: person });
      // Sealed with the restored key ring: still readable by the sender.
      expect(JSON.stringify(referral.body)).toContain('Anne');
      const journey = await call(restored, sender, 'GET', `/api/referral/v1/journeys/${person}`);
      expect(journey.status).toBe(200);
      expect(JSON.stringify(journey.body)).toContain(id);
    }
    // The new, empty broker gets the retained events again from the outboxes.
    const db = new Client({ connectionString: restored.adminDatabaseUrl('referral') });
    await db.connect();
    try {
      await eventually(async () => {
        const { rows } = await db.query<{ unsent: number }>('SELECT count(*)::int AS unsent FROM messaging_outbox WHERE sent_at IS NULL');
        expect(rows[0]?.unsent).toBe(0);
      }, { timeoutMs: 60_000 });
    } finally {
      await db.end();
    }
  }, 400_000);
});
