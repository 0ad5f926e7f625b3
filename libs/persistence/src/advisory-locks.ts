/**
 * Every PostgreSQL advisory lock key of the house, in one place, so two chores never share a key by
 * accident (advisory-locks.spec.ts checks they are unique). Locks are per database: the same key in two
 * service databases never conflicts, but within one database a reused key would make two unrelated
 * chores skip each other's rounds. Keys stay below 2^53 so JavaScript holds them exactly.
 *
 * Keys are frozen: a replica of the previous release must contend for the same key during a rolling
 * deployment, so a key is never edited in place (a new one is added instead).
 */
export const advisoryLocks = {
  /** Applying migrations and sealing append-only tables: processes of one service starting together take turns (migration-lock.ts). */
  migrations: 0x52_45_4c_4d_49_47, // "RELMIG"
  /** Session lock held by the one outbox relay of a service database (libs/messaging relay-leadership.ts). */
  outboxRelayLeader: 0x72_65_6c_61_69, // "relai"
  /** Deleting sent outbox rows past their retention (libs/messaging messaging-pruning.ts). */
  outboxPruning: 0x52_50_4f_31, // "RPO1"
  /** Deleting inbox rows no redelivery can reach any more (libs/messaging messaging-pruning.ts). */
  inboxPruning: 0x52_50_49_31, // "RPI1"
  /** Firing due SLA timers: reminders and expiries (referral sla/sla-sweeper.ts). */
  referralSlaSweep: 0x52_45_4c_53_4c_41, // "RELSLA"
  /** Forgetting Idempotency-Key responses past their time to live (referral idempotency/). */
  referralIdempotencyPurge: 0x52_49_44_31, // "RID1"
  /** Reminding structures of records nobody confirmed lately (directory freshness/). */
  directoryFreshnessReminders: 0x52_44_46_31, // "RDF1"
  /** Recomputing the opening intervals once the day has changed (directory freshness/). */
  directoryOpeningIntervals: 0x52_44_48_31, // "RDH1"
  /** Rebuilding the search index when its vocabulary changed (directory search/search-index.ts). */
  directorySearchIndex: 0x52_44_49_31, // "RDI1"
  /** Moving stored services to new vocabularies once, after their migration (directory vocabularies/vocabulary-upgrade.ts). */
  directoryVocabularyUpgrade: 0x52_44_56_31, // "RDV1"
  /**
   * Transaction lock each reporting consumer transaction takes before its first write: every transaction adds to
   * the same hot rollup rows in its own order, so without one turn at a time they deadlock (reporting projections/rollups.ts).
   */
  reportingRollups: 0x52_52_4f_31, // "RRO1"
  /** Session lock of a projection rebuild, so two `reporting:rebuild` never fill the same staging tables (reporting rebuild/). */
  reportingRebuild: 0x52_52_42_31, // "RRB1"
  /** Recording the last reminder before a referral expires (notification messages/last-reminders.ts). */
  notificationLastReminders: 0x52_4e_4c_31, // "RNL1"
  /** Recording the structures' daily digests (notification messages/daily-digest.ts). */
  notificationDailyDigest: 0x52_4e_44_31, // "RND1"
  /** Recording the coordinators' weekly summaries (notification messages/weekly-summary.ts). */
  notificationWeeklySummary: 0x52_4e_57_31, // "RNW1"
  /** Seeding the demo département (directory seed/seed.service.ts). */
  directorySeed: 0x52_44_53_31, // "RDS1"
  /**
   * First key of the two-key lock that serialises provisioning of one database name, in the server's
   * admin database (infra/src/postgres/database-roles.ts keeps its own copy: infra does not depend on
   * this library). Two-key locks are a separate space from these one-key locks; listed so no one reuses it.
   */
  infraProvisioning: 0x52_45_4c_31, // "REL1"
} as const satisfies Record<string, number>;

export type AdvisoryLockName = keyof typeof advisoryLocks;
export type AdvisoryLockKey = (typeof advisoryLocks)[AdvisoryLockName];

/**
 * Prefixes of the locks keyed by `hashtextextended('<prefix>:<id>', 0)`: one lock per record rather than
 * one per chore. The prefix keeps two kinds of record apart; a collision with the keys above would need
 * a 64-bit hash to land below 2^48, which is negligible.
 */
export const advisoryLockPrefixes = {
  /** One webhook subscription created at a time per structure (notification webhooks/). */
  webhookSubscriptions: 'webhook-subscriptions',
  /** One person registered at a time per structure and external id (referral persons/person-registry.ts). */
  personExternalId: 'person-external-id',
} as const satisfies Record<string, string>;
