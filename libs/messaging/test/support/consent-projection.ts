import { randomUUID } from 'node:crypto';
import { Injectable, Module, type DynamicModule, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { EventPayload } from '@relais/contracts';
import { PersistenceModule } from '@relais/persistence';
import { Column, DataSource, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { HandlesEvent, MessagingModule, MessagingParkedKeys1765000000000, MessagingTables1732350000000, type EventContext, type KafkaCredentials } from '../../src';

const REQUESTED = 'fr.relais.referral.referral.requested.v1';
const CONSENT_REVOKED = 'fr.relais.referral.referral.consent-revoked.v1';
type Requested = EventPayload<typeof REQUESTED>;
type ConsentRevoked = EventPayload<typeof CONSENT_REVOKED>;

/** What a consumer knows of a referral's consent: granted with the referral, revoked later. */
@Entity('test_consent')
export class Consent {
  @PrimaryColumn('uuid', { name: 'referral_id' }) referralId!: string;
  @Column('text') state!: 'granted' | 'revoked';
  /** Every change, in the order this consumer applied them. */
  @Column('text', { array: true }) history!: string[];
}

export class TestConsent1765000000001 implements MigrationInterface {
  name = 'TestConsent1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE test_consent (referral_id uuid PRIMARY KEY, state text NOT NULL, history text[] NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE test_consent`);
  }
}

/**
 * The consent a referral carries, as the diagnostic keeps it to decide who may read an assessment.
 * A grant in `failOnce` fails transiently the first time (a lock timeout, say). A revocation that
 * arrives before its grant is written as such: the history shows the order things were applied in.
 */
@Injectable()
export class ConsentProjector {
  readonly failOnce = new Set<string>();
  readonly attempts: Array<{ referralId: string; change: string; attempt: number }> = [];

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent(REQUESTED)
  async onRequested(payload: Requested, context: EventContext): Promise<void> {
    this.attempts.push({ referralId: payload.referralId, change: 'granted', attempt: context.attempt });
    if (this.failOnce.delete(payload.referralId)) throw new Error('lock timeout on test_consent');
    await this.change(payload.referralId, 'granted');
  }

  @HandlesEvent(CONSENT_REVOKED)
  async onConsentRevoked(payload: ConsentRevoked, context: EventContext): Promise<void> {
    this.attempts.push({ referralId: payload.referralId, change: 'revoked', attempt: context.attempt });
    await this.change(payload.referralId, 'revoked');
  }

  private async change(referralId: string, state: Consent['state']): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO test_consent (referral_id, state, history) VALUES ($1, $2, ARRAY[$2])
       ON CONFLICT (referral_id) DO UPDATE SET state = $2, history = test_consent.history || $2`,
      [referralId, state],
    );
  }
}

export interface ConsentAppOptions {
  databaseUrl: string;
  brokers: string[];
  sasl: KafkaCredentials | undefined;
  topicPrefix: string;
  retryDelaysMs: number[];
  consumer?: { parkedSweepMs?: number; maxBlockedMs?: number };
  logger?: LoggerService;
}

@Module({})
class ConsentAppModule {
  static forRoot(options: ConsentAppOptions): DynamicModule {
    return {
      module: ConsentAppModule,
      imports: [
        PersistenceModule.forRoot({
          url: options.databaseUrl,
          entities: [Consent],
          migrations: [MessagingTables1732350000000, MessagingParkedKeys1765000000000, TestConsent1765000000001],
          poolSize: 4,
          applicationName: 'messaging-int-spec-consent',
        }),
        // The diagnostic consumes referral events (catalog: requested, consent-revoked).
        MessagingModule.forRoot({
          service: 'diagnostic',
          brokers: options.brokers,
          ...(options.sasl ? { sasl: options.sasl } : {}),
          topicPrefix: options.topicPrefix,
          consumer: { concurrency: 3, retryDelaysMs: options.retryDelaysMs, ...options.consumer },
        }),
      ],
      providers: [ConsentProjector],
    };
  }
}

export function startConsentApp(options: ConsentAppOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(ConsentAppModule.forRoot(options), { logger: options.logger ?? ['error'] });
}

export async function consentOf(app: INestApplicationContext, referralId: string): Promise<Consent | null> {
  return app.get(DataSource).getRepository(Consent).findOneBy({ referralId });
}

const structure = () => randomUUID();

export function referralRequested(referralId: string): Requested {
  const now = new Date();
  const sendingStructureId = structure();
  return {
    referralId,
    personRef: `p-${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    sendingStructureId,
    receivingStructureId: structure(),
    receivingServiceId: randomUUID(),
    networkId: null,
    previousReferralId: null,
    needs: ['demarches-en-ligne'],
    urgency: 'normal',
    assessmentId: randomUUID(),
    consent: { scope: ['contact', 'assessment'], method: 'oral', expiresAt: null },
    acknowledgeDueAt: new Date(now.getTime() + 2 * 86_400_000).toISOString(),
    firstContactDueAt: new Date(now.getTime() + 10 * 86_400_000).toISOString(),
    by: { role: 'agent', structureId: sendingStructureId, subject: 'agent-ploermel-1' },
    at: now.toISOString(),
  };
}

export function consentRevoked(requested: Requested): ConsentRevoked {
  const { referralId, personRef, sendingStructureId, receivingStructureId, receivingServiceId, networkId } = requested;
  return {
    referralId,
    personRef,
    sendingStructureId,
    receivingStructureId,
    receivingServiceId,
    networkId,
    by: { role: 'agent', structureId: sendingStructureId, subject: 'agent-ploermel-1' },
    at: new Date().toISOString(),
  };
}
