import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { advisoryLocks } from '@relais/persistence';
import { createServiceApp, ManualClock } from '@relais/platform';
import { eventually, serviceTestEnvironment } from '@relais/testing';
import { Client } from 'pg';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';
import { SlaSweeper } from '../src/sla/sla-sweeper';
import {
  asUser,
  directoryPublisher,
  kafkaProducer,
  referralBody,
  referralEvents,
  seedDirectory,
  serviceOf,
  START,
  startReferralKit,
  users,
  type Caller,
  type ReferralKit,
} from './support/referral-kit';

describe('SLA timers with a controllable clock', () => {
  let kit: ReferralKit;
  let sender: Caller;
  let receiver: Caller;
  let receivingService: string;
  const sweep = () => kit.service.app.get(SlaSweeper).sweep();

  beforeAll(async () => {
    kit = await startReferralKit();
    sender = await asUser(users.cafAgent);
    receiver = await asUser(users.associationAgent);
    receivingService = serviceOf(receiver.structureId ?? '');
    await kit.seedDirectory([sender.structureId ?? '', receiver.structureId ?? '']);
  });

  afterAll(() => kit.stop());

  beforeEach(() => kit.clock.set(START));

  it('reminds before the acknowledgement deadline, once, then expires the referral after 30 days without acknowledgement', async () => {
    const id = await kit.create(sender, receivingService);
    expect(await sweep()).toEqual({ reminders: 0, expired: 0, dropped: 0 });

    // Start of Wednesday 25 in Paris: the last day to acknowledge.
    kit.clock.set('2026-11-24T23:00:00.001Z');
    expect((await sweep()).reminders).toBeGreaterThanOrEqual(1);
    expect(await sweep()).toEqual({ reminders: 0, expired: 0, dropped: 0 });
    const late = await kit.request<{ deadlines: { overdue: boolean } }>('GET', `/v1/referrals/${id}`, receiver);
    expect(late.body.deadlines.overdue).toBe(false);
    kit.clock.set('2026-11-25T23:00:00.001Z');
    expect((await kit.request<{ deadlines: { overdue: boolean } }>('GET', `/v1/referrals/${id}`, receiver)).body.deadlines.overdue).toBe(true);

    kit.clock.set(new Date(START.getTime() + 30 * 86_400_000 - 1000));
    await sweep();
    expect((await kit.request('GET', `/v1/referrals/${id}`, sender)).body['status']).toBe('requested');
    kit.clock.set(new Date(START.getTime() + 30 * 86_400_000 + 1000));
    expect((await sweep()).expired).toBeGreaterThanOrEqual(1);

    const expired = await kit.request<{ status: string; history: Array<Record<string, unknown>>; allowedTransitions: string[] }>('GET', `/v1/referrals/${id}`, sender);
    expect(expired.body.status).toBe('expired');
    expect(expired.body.history.at(-1)).toMatchObject({
      from: 'requested',
      to: 'expired',
      reasonCode: 'delai-de-prise-en-compte-depasse',
      by: { party: 'system', role: 'system', structureId: null },
    });
    expect(expired.body.allowedTransitions).toEqual([]);
    expect((await kit.move(receiver, id, 'received')).body).toMatchObject({ status: 409, currentStatus: 'expired' });

    const events = await referralEvents(kit, id, 3);
    expect(events.map((e) => e.type)).toEqual([
      'fr.relais.referral.referral.requested.v1',
      'fr.relais.referral.referral.reminder-due.v1',
      'fr.relais.referral.referral.expired.v1',
    ]);
    expect(events[1]?.payload).toMatchObject({ referralId: id, deadline: 'acknowledge', dueAt: '2026-11-25T23:00:00.000Z', at: '2026-11-24T23:00:00.001Z' });
  });

  it('never expires an acknowledged referral, and reminds of the first contact while it is owed', async () => {
    const id = await kit.create(sender, receivingService);
    await kit.move(receiver, id, 'received');
    kit.clock.set(new Date(START.getTime() + 40 * 86_400_000));
    const report = await sweep();
    expect(report.expired).toBe(0);
    expect((await kit.request('GET', `/v1/referrals/${id}`, sender)).body['status']).toBe('received');
    const events = await referralEvents(kit, id, 3);
    expect(events.map((e) => e.type).slice(-1)).toEqual(['fr.relais.referral.referral.reminder-due.v1']);
    expect(events.at(-1)?.payload).toMatchObject({ deadline: 'first-contact', dueAt: '2026-12-07T23:00:00.000Z' });
  });

  it('applies the delays of the réseau local from its newest snapshot', async () => {
    const networkId = receiver.networkIds[0] ?? '';
    await kit.publish('fr.relais.directory.network.snapshot.v1', {
      networkId,
      version: 2,
      deleted: false,
      updatedAt: new Date().toISOString(),
      lastVerifiedAt: null,
      name: 'Pays de Lorient',
      department: '56',
      communeCodes: [],
      sla: { acknowledgeBusinessDays: 1, firstContactBusinessDays: 3, expireAfterDays: 5 },
    });
    await eventually(async () => {
      const { rows } = await kit.db.query<{ version: number }>(`SELECT version FROM directory_networks WHERE network_id = $1`, [networkId]);
      expect(rows[0]?.version).toBe(2);
    });
    const created = await kit.request('POST', '/v1/referrals', sender, referralBody(receivingService));
    expect(created.body).toMatchObject({ acknowledgeDueAt: '2026-11-24T23:00:00.000Z', firstContactDueAt: '2026-11-26T23:00:00.000Z' });
    kit.clock.set(new Date(START.getTime() + 5 * 86_400_000 + 1));
    await sweep();
    expect((await kit.request('GET', `/v1/referrals/${String(created.body['id'])}`, sender)).body['status']).toBe('expired');
  });

  it('leaves the sweep to the replica that holds the advisory lock', async () => {
    const id = await kit.create(sender, receivingService);
    kit.clock.set(new Date(START.getTime() + 31 * 86_400_000));
    const other = new Client({ connectionString: kit.service.env['DATABASE_URL'] });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock($1)`, [advisoryLocks.referralSlaSweep]);
      expect(await sweep()).toEqual({ reminders: 0, expired: 0, dropped: 0 });
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    await sweep();
    expect((await kit.request('GET', `/v1/referrals/${id}`, sender)).body['status']).toBe('expired');
  });

  it('never reminds about a step being done at that very moment: a referral a move holds is swept next round', async () => {
    const id = await kit.create(sender, receivingService);
    const reminders = async (): Promise<unknown[]> =>
      (await kit.db.query<Record<string, unknown>>(`SELECT 1 FROM messaging_outbox WHERE type = 'fr.relais.referral.referral.reminder-due.v1' AND payload->>'referralId' = $1`, [id])).rows;
    kit.clock.set('2026-11-24T23:00:00.001Z');
    // A receiver's acknowledgement in flight: its transaction holds the referral's row.
    const mover = new Client({ connectionString: kit.service.env['DATABASE_URL'] });
    await mover.connect();
    try {
      await mover.query('BEGIN');
      await mover.query(`SELECT 1 FROM referrals WHERE id = $1 FOR UPDATE`, [id]);
      await sweep();
      expect(await reminders()).toEqual([]);
      await mover.query(`UPDATE referrals SET status = 'received' WHERE id = $1`, [id]);
      await mover.query('COMMIT');
    } finally {
      await mover.end();
    }
    // Once the move committed, the reminder is no longer owed: dropped, never published.
    await sweep();
    expect(await reminders()).toEqual([]);
    const { rows: timers } = await kit.db.query(`SELECT kind FROM referral_timers WHERE referral_id = $1 AND kind = 'acknowledge-reminder'`, [id]);
    expect(timers).toEqual([]);
  });
});

describe('SLA timers across a restart', () => {
  it('keeps its timers in the database: a new process expires what the old one scheduled, on its own', async () => {
    const { env, drop } = await serviceTestEnvironment('referral');
    Object.assign(env, { REFERRAL_MASTER_KEY: randomBytes(32).toString('base64'), REFERRAL_SLA_SWEEP_INTERVAL_MS: '0' });
    const clock = new ManualClock(START);
    let app: INestApplication = await createServiceApp(AppModule.forRoot(readConfig(env), { clock }), service);
    await app.listen(0, '127.0.0.1');
    const kitLike = { url: `${await app.getUrl()}/api/referral` };
    const db = new Client({ connectionString: env['DATABASE_URL'] });
    await db.connect();
    try {
      const sender = await asUser(users.cafAgent);
      const receiver = await asUser(users.associationAgent);
      const producer = await kafkaProducer((env['KAFKA_BROKERS'] ?? '').split(','));
      try {
        await seedDirectory(directoryPublisher(producer, env['KAFKA_TOPIC_PREFIX'] ?? ''), db, [sender.structureId ?? '', receiver.structureId ?? '']);
      } finally {
        await producer.disconnect();
      }
      const response = await fetch(`${kitLike.url}/v1/referrals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(referralBody(serviceOf(receiver.structureId ?? ''))),
      });
      const { id } = (await response.json()) as { id: string };
      expect(response.status).toBe(201);
      await app.close();

      // A new process, 31 days later, sweeping on its own timer.
      env['REFERRAL_SLA_SWEEP_INTERVAL_MS'] = '100';
      app = await createServiceApp(AppModule.forRoot(readConfig(env), { clock: new ManualClock(new Date(START.getTime() + 31 * 86_400_000)) }), service);
      await app.listen(0, '127.0.0.1');
      await eventually(async () => {
        const { rows } = await db.query<{ status: string }>(`SELECT status FROM referrals WHERE id = $1`, [id]);
        expect(rows[0]?.status).toBe('expired');
      });
      const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM referral_timers WHERE referral_id = $1`, [id]);
      expect(Number(rows[0]?.n)).toBe(0);
    } finally {
      await app.close();
      await db.end();
      await drop();
    }
  });
});
