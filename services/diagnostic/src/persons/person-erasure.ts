import { Injectable, Logger } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { PersonVault } from '@relais/privacy';
import { AuditLog } from '../audit/audit-log';

/**
 * The right to erasure, as the referral service announces it for the whole instance (one erasure
 * endpoint covers a person known only through a diagnostic too: referral links the structure from the
 * assessment.completed event). Every assessment of the person goes with its answers, consent and read
 * grants, their links, and their data key (crypto-shredding: sealed copies in backups become unreadable
 * once the key is gone from every backup too). Nothing is kept for counts here: the reporting service
 * counts from the events. The audit log keeps the erasure and the earlier reads, by reference only.
 */
@Injectable()
export class PersonErasure {
  private readonly logger = new Logger(PersonErasure.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly vault: PersonVault,
    private readonly audit: AuditLog,
  ) {}

  @HandlesEvent('fr.relais.referral.person.erased.v1')
  async onErased(erasure: EventPayload<'fr.relais.referral.person.erased.v1'>): Promise<void> {
    const tx = this.txHost.tx;
    // TypeORM answers a DELETE … RETURNING with [rows, count], not rows.
    const [erased] = await tx.query<[Array<{ assessment_id: string }>, number]>(`DELETE FROM assessment WHERE person_ref = $1 RETURNING assessment_id`, [erasure.personRef]);
    const ids = erased.map((row) => row.assessment_id);
    if (ids.length > 0) {
      await tx.query(`DELETE FROM assessment_consent WHERE assessment_id = ANY($1::uuid[])`, [ids]);
      await tx.query(`DELETE FROM assessment_grant WHERE assessment_id = ANY($1::uuid[])`, [ids]);
    }
    await tx.query(`DELETE FROM person_link WHERE person_ref = $1`, [erasure.personRef]);
    const keyDestroyed = await this.vault.destroy(erasure.personRef);
    const { by } = erasure;
    await this.audit.record({ subject: by.subject, clientId: null, roles: [by.role], structureId: by.structureId }, 'erase', { personRef: erasure.personRef }, [
      'assessments',
      'answers',
      'result',
      'consent',
      'grants',
      'links',
      'person-key',
    ]);
    this.logger.log({ assessments: ids.length, keyDestroyed }, 'person erased');
  }
}
