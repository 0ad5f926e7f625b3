import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { serviceTopics, topicCatalog } from '@relais/contracts';
import { eventually } from '@relais/testing';
import { kafkaSasl } from '../../src/kafka';
import { serviceNames } from '../../src/service-processes';
import { CLUSTER, logTails, startClusterPlatform, type ClusterPlatform } from './support/cluster-platform';
import { agentToken, receivingServiceOf, sendReferral } from './support/referrals';

const REQUESTED = 'fr.relais.referral.referral.requested.v1';
const LOST_BROKER = 2;
const REFERRALS_BEFORE = 8;
const REFERRALS_DURING = 8;

async function query<T extends object>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<T>(sql, params)).rows;
  } finally {
    await db.end();
  }
}

function killGroup(pid: number): void {
  // kill -9 of the whole process group: a JVM or a Node process gets no chance to leave cleanly.
  process.kill(-pid, 'SIGKILL');
}

/**
 * Issue 15 item 6, proven here: three Kafka brokers (KRaft, each also a controller), every topic with 3
 * replicas and min.insync.replicas 2, and two `consumers` replicas of each of the five services.
 * Referrals are sent; one broker and one replica of each consumer role are killed with SIGKILL while more
 * are sent; every referral answered 201 reaches the receiver's inbox, notification records its message to
 * the receiver once, reporting counts it once; the partitions led by the lost broker get leaders among the
 * survivors, and each consumer group's partitions all go to its surviving replica.
 */
describe('Relais on a three-broker Kafka cluster with two replicas of each consumer role', () => {
  let platform: ClusterPlatform;
  let admin: Admin;
  const created: string[] = [];
  let refused = 0;

  beforeAll(async () => {
    platform = await startClusterPlatform('cluster');
    admin = new Kafka({ clientId: 'relais-cluster-e2e', brokers: platform.kafka.brokers, logLevel: logLevel.NOTHING, ...kafkaSasl(platform.kafka.admin) }).admin();
    await admin.connect();
  }, 20 * 60_000);

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await platform?.stop();
  }, 120_000);

  it('lays every topic the services created on 3 replicas with min.insync.replicas 2 (from configuration only)', async () => {
    const topics = (await admin.listTopics()).filter((name) => topicCatalog.some((topic) => name.startsWith(topic.name)));
    expect(topics.length).toBeGreaterThan(topicCatalog.length);
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    for (const topic of metadata) {
      for (const partition of topic.partitions) expect({ topic: topic.name, replicas: partition.replicas.length }).toEqual({ topic: topic.name, replicas: CLUSTER.replicationFactor });
    }
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] })) });
    for (const resource of configs.resources) {
      expect({ topic: resource.resourceName, minIsr: resource.configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue }).toEqual({
        topic: resource.resourceName,
        minIsr: String(CLUSTER.minInsyncReplicas),
      });
    }
  });

  it('loses nothing when a broker and one replica of each consumer role are killed while referrals are sent', async () => {
    const sender = await agentToken(platform.accounts, 'agent.caf-vannes');
    const receivingServiceId = await receivingServiceOf(platform.origin, platform.accounts, 'agent.association-lorient');
    const send = async (lastName: string) => {
      const sent = await sendReferral(platform.origin, sender, receivingServiceId, lastName);
      if (sent.status === 201 && sent.id) created.push(sent.id);
      else refused++;
    };
    for (let index = 0; index < REFERRALS_BEFORE; index++) await send(`Avant ${index}`);

    // While referrals keep coming: one broker, and the first consumers replica of every service.
    const during = (async () => {
      for (let index = 0; index < REFERRALS_DURING; index++) await send(`Pendant ${index}`);
    })();
    const broker = platform.kafka.nodes.get(LOST_BROKER);
    if (!broker) throw new Error(`no broker ${LOST_BROKER}`);
    killGroup(broker.pid);
    const pids = platform.services.pids();
    for (const name of serviceNames) {
      const pid = pids[`${name}-consumers-1`];
      if (pid === undefined) throw new Error(`no first consumers replica of ${name}`);
      killGroup(pid);
    }
    await during;
    expect(await broker.exited).toBe('signal SIGKILL');
    // A referral the API refused was never promised; every one it accepted must arrive.
    expect(created.length).toBeGreaterThanOrEqual(REFERRALS_BEFORE);

    const receiver = await agentToken(platform.accounts, 'agent.association-lorient');
    await eventually(
      async () => {
        const inbox = await fetch(`${platform.origin}/api/referral/v1/referrals?box=received&limit=100`, { headers: { authorization: `Bearer ${receiver}` } });
        expect(inbox.status).toBe(200);
        const listed = JSON.stringify(await inbox.json());
        expect(created.filter((id) => !listed.includes(id))).toEqual([]);

        // Notification: one message to the receiver per referral, sent.
        const messages = await query<{ referral_id: string; messages: number; sent: number }>(
          platform.adminDatabaseUrl('notification'),
          `SELECT referral_id::text, count(*)::int AS messages, count(*) FILTER (WHERE status IN ('sent', 'delivered'))::int AS sent
             FROM notification_message WHERE event_type = $1 AND recipient_kind = 'receiver' AND referral_id = ANY($2::uuid[]) GROUP BY referral_id`,
          [REQUESTED, created],
        );
        expect(messages.length).toBe(created.length);
        for (const row of messages) expect(row).toEqual({ referral_id: row.referral_id, messages: 1, sent: 1 });

        // Reporting: each referral projected, and counted exactly once (a second handling would count twice).
        const projected = await query<{ projected: number }>(platform.adminDatabaseUrl('reporting'), 'SELECT count(*)::int AS projected FROM referral_state WHERE referral_id = ANY($1::uuid[])', [created]);
        expect(projected[0]?.projected).toBe(created.length);
        const counted = await query<{ counted: number }>(platform.adminDatabaseUrl('reporting'), 'SELECT coalesce(sum(count), 0)::int AS counted FROM activity_daily WHERE event_type = $1', [REQUESTED]);
        expect(counted[0]?.counted).toBe(created.length);
      },
      { timeoutMs: 240_000, intervalMs: 2_000 },
    ).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logTails(platform, serviceNames.flatMap((name) => [`${name}-consumers-2.log`]))}`);
    });
    // The refusals, if any, are said: the cluster kept accepting writes with 2 brokers of 3 (min.insync.replicas 2).
    expect({ created: created.length, refused }).toEqual({ created: REFERRALS_BEFORE + REFERRALS_DURING, refused: 0 });
  }, 600_000);

  it('gives the lost broker’s partitions to the survivors, each group’s partitions and the outbox relay to the surviving replica', async () => {
    const topics = (await admin.listTopics()).filter((name) => topicCatalog.some((topic) => name.startsWith(topic.name)));
    await eventually(
      async () => {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        for (const topic of metadata) {
          for (const partition of topic.partitions) {
            expect({ topic: topic.name, partition: partition.partitionId, leaderIsSurvivor: partition.leader !== LOST_BROKER && partition.leader >= 0 }).toEqual({
              topic: topic.name,
              partition: partition.partitionId,
              leaderIsSurvivor: true,
            });
            expect(partition.isr).not.toContain(LOST_BROKER);
            expect(partition.isr.length).toBeGreaterThanOrEqual(CLUSTER.minInsyncReplicas);
          }
        }
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );

    // The services that consume events have a group (the directory only publishes).
    const groups = serviceNames.filter((name) => serviceTopics(name).consumes.length > 0).map((name) => `relais-${name}`);
    expect(groups.length).toBeGreaterThanOrEqual(4);
    await eventually(
      async () => {
        const described = await admin.describeGroups(groups);
        for (const group of described.groups) {
          expect({ group: group.groupId, state: group.state, members: group.members.length }).toEqual({ group: group.groupId, state: 'Stable', members: 1 });
          const [member] = group.members;
          const assignment = member ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
          // Every partition of every topic the group reads is the survivor's.
          const assigned = assignment?.assignment ?? {};
          const { topics: metadata } = await admin.fetchTopicMetadata({ topics: Object.keys(assigned) });
          for (const topic of metadata) expect({ group: group.groupId, topic: topic.name, partitions: (assigned[topic.name] ?? []).length }).toEqual({ group: group.groupId, topic: topic.name, partitions: topic.partitions.length });
          expect(Object.keys(assigned).length).toBeGreaterThan(0);
        }
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );

    // The outbox relay and the periodic jobs (one replica at a time, under advisory locks) now run on the survivor.
    for (const name of serviceNames) {
      expect({ name, relays: readFileSync(join(platform.logDir, `${name}-consumers-2.log`), 'utf8').includes('this replica now relays the outbox') }).toEqual({ name, relays: true });
    }
  }, 300_000);
});
