import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { serviceNames, type ServiceName } from '../service-processes';
import type { Accepted } from './chaos-load';

/**
 * After the faults, once the platform has settled: the platform against the load's record of what the
 * API accepted. Read from each service's database (a superuser connection, as an operator would) and the
 * local mailbox's `.eml` files.
 */
export interface ChaosVerdict {
  referralsAccepted: number;
  referralsLost: number;
  transitionsAccepted: number;
  transitionsLost: number;
  /** Transitions recorded more than once for one referral and status: an effect applied twice. */
  transitionsApplied2x: number;
  /** Rows of every outbox still unsent. */
  outboxUnsent: Record<string, number>;
  /** Events of the referral service that a consumer that reads their type never recorded in its inbox. */
  eventsNotConsumed: Record<string, number>;
  /** Emails sent twice (same Message-ID in two `.eml` files). */
  emailsDuplicated: number;
  /** The first of them, to find in notification's log: Message-ID, template and when each copy arrived. */
  duplicatedEmails: DuplicatedEmail[];
  /**
   * Copies beyond what the issue allows: a kill -9 of notification between the SMTP server's acceptance and the
   * recording may resend that one message (same Message-ID), nothing else. Set by the run, which knows the kills.
   */
  emailsResentBeyondAllowance: number;
  emails: number;
}

export type DatabaseUrl = (service: ServiceName) => string;

export interface DuplicatedEmail {
  messageId: string;
  template: string;
  /** When each copy reached the SMTP server (its `.eml` file's time), earliest first. */
  received: string[];
}

/** How long before a kill -9 of notification the copy it may resend can have been accepted (one SMTP exchange). */
const IN_FLIGHT_WINDOW_MS = 5_000;

/**
 * The copies that no kill explains: each kill of notification (wall-clock times) may account for one message
 * sent twice whose first copy was accepted just before it (the message in flight); any other copy is an effect
 * applied twice.
 */
export function resentBeyondAllowance(duplicates: DuplicatedEmail[], notificationKills: Date[]): number {
  const unusedKills = notificationKills.map((kill) => kill.getTime()).sort((a, b) => a - b);
  let beyond = 0;
  for (const duplicate of [...duplicates].sort((a, b) => (a.received[0] ?? '').localeCompare(b.received[0] ?? ''))) {
    const first = Date.parse(duplicate.received[0] ?? '');
    let extra = duplicate.received.length - 1;
    // The file's time and the kill's come from the same machine's clock; a second of slack after the kill.
    const kill = unusedKills.findIndex((at) => first >= at - IN_FLIGHT_WINDOW_MS && first <= at + 1_000);
    if (kill >= 0) {
      unusedKills.splice(kill, 1);
      extra -= 1;
    }
    beyond += extra;
  }
  return beyond;
}

async function withDatabase<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Waits until no outbox holds an unsent row, every accepted referral's events are in the inbox of each
 * consumer of their type, and the inboxes have not changed for 15 s (or `timeoutMs` passed); answers how
 * long it took. Waiting for the events themselves, not only for quiet inboxes: an event a consumer sent to
 * its retry topic during a fault comes back only after its retry delay (30 s for the last one), which a quiet
 * spell of 15 s does not cover.
 */
export async function settle(databaseUrl: DatabaseUrl, timeoutMs: number, accepted?: Accepted): Promise<number> {
  const started = performance.now();
  let previous = '';
  let stableSince = performance.now();
  for (;;) {
    const unsent = await unsentRows(databaseUrl).catch(() => undefined);
    const consumed = await Promise.all(
      serviceNames.map((service) =>
        withDatabase(databaseUrl(service), async (db) => (await db.query<{ n: string }>('SELECT count(*) AS n FROM messaging_inbox')).rows[0]?.n ?? '').catch(() => 'x'),
      ),
    );
    const state = `${JSON.stringify(unsent)}|${consumed.join(',')}`;
    if (state !== previous) {
      previous = state;
      stableSince = performance.now();
    }
    // Empty outboxes, and every inbox unchanged for 15 s (longer than a delivery's first retries): what was sent has been read.
    if (unsent && Object.values(unsent).every((n) => n === 0) && performance.now() - stableSince > 15_000) {
      const missing = accepted ? await eventsNotConsumed(accepted, databaseUrl).catch(() => undefined) : {};
      if (missing && Object.values(missing).every((n) => n === 0)) return performance.now() - started;
    }
    if (performance.now() - started > timeoutMs) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function unsentRows(databaseUrl: DatabaseUrl): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const service of serviceNames) {
    counts[service] = await withDatabase(databaseUrl(service), async (db) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL')).rows[0]?.n));
  }
  return counts;
}

/** Events the referral service wrote for the accepted referrals that a consumer reading their type has not recorded in its inbox. */
async function eventsNotConsumed(accepted: Accepted, databaseUrl: DatabaseUrl): Promise<Record<string, number>> {
  const ids = [...accepted.referrals.keys()];
  const events = await withDatabase(databaseUrl('referral'), async (db) =>
    (await db.query<{ event_id: string; type: string }>('SELECT event_id, type FROM messaging_outbox WHERE key = ANY($1::text[])', [ids])).rows,
  );
  const missing: Record<string, number> = {};
  for (const consumer of ['notification', 'reporting'] as const) {
    const inbox = await withDatabase(databaseUrl(consumer), async (db) => (await db.query<{ event_id: string; type: string }>('SELECT event_id, type FROM messaging_inbox')).rows);
    const types = new Set(inbox.map((row) => row.type));
    const seen = new Set(inbox.map((row) => row.event_id));
    missing[consumer] = events.filter((event) => types.has(event.type) && !seen.has(event.event_id)).length;
  }
  return missing;
}

export async function check(accepted: Accepted, databaseUrl: DatabaseUrl, mailDir: string, notificationKills: Date[] = []): Promise<ChaosVerdict> {
  const ids = [...accepted.referrals.keys()];
  const { stored, transitions } = await withDatabase(databaseUrl('referral'), async (db) => ({
    stored: new Set((await db.query<{ id: string }>('SELECT id FROM referrals WHERE id = ANY($1::uuid[])', [ids])).rows.map((row) => row.id)),
    transitions: (await db.query<{ referral_id: string; to_status: string; n: string }>(
      'SELECT referral_id, to_status, count(*) AS n FROM referral_transitions WHERE referral_id = ANY($1::uuid[]) GROUP BY referral_id, to_status',
      [ids],
    )).rows,
  }));
  const recorded = new Map(transitions.map((row) => [`${row.referral_id} ${row.to_status}`, Number(row.n)]));
  let transitionsAccepted = 0;
  let transitionsLost = 0;
  for (const [id, statuses] of accepted.transitions) {
    for (const status of statuses) {
      transitionsAccepted += 1;
      if (!recorded.has(`${id} ${status}`)) transitionsLost += 1;
    }
  }


  const mails = existsSync(mailDir)
    ? readdirSync(mailDir)
        .filter((file) => file.endsWith('.eml'))
        .map((file) => {
          const text = readFileSync(join(mailDir, file), 'utf8');
          return {
            messageId: /^Message-ID:\s*(\S+)/im.exec(text)?.[1] ?? file,
            template: /^X-Relais-Template:\s*(\S+)/im.exec(text)?.[1] ?? '?',
            received: statSync(join(mailDir, file)).mtime.toISOString(),
          };
        })
    : [];
  const messageIds = mails.map((mail) => mail.messageId);
  const copies = new Map<string, typeof mails>();
  for (const mail of mails) copies.set(mail.messageId, [...(copies.get(mail.messageId) ?? []), mail]);
  const duplicates: DuplicatedEmail[] = [...copies.values()]
    .filter((same) => same.length > 1)
    .map((same) => ({ messageId: same[0]?.messageId ?? '', template: same[0]?.template ?? '', received: same.map((mail) => mail.received).sort() }));
  return {
    referralsAccepted: ids.length,
    referralsLost: ids.filter((id) => !stored.has(id)).length,
    transitionsAccepted,
    transitionsLost,
    transitionsApplied2x: transitions.filter((row) => Number(row.n) > 1).length,
    outboxUnsent: await unsentRows(databaseUrl),
    eventsNotConsumed: await eventsNotConsumed(accepted, databaseUrl),
    emailsDuplicated: messageIds.length - new Set(messageIds).size,
    duplicatedEmails: duplicates.slice(0, 5),
    emailsResentBeyondAllowance: resentBeyondAllowance(duplicates, notificationKills),
    emails: messageIds.length,
  };
}
