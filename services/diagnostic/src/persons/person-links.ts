import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { NotFoundError } from '@relais/platform';

/** How long to wait for a link not seen yet (DIAGNOSTIC_LINK_WAIT_MS). */
export const LINK_WAIT_MS = Symbol('diagnostic:link-wait-ms');

const POLL_INTERVAL_MS = 100;

export type LinkVia = EventPayload<'fr.relais.referral.person.linked.v1'>['via'];

/**
 * Which structures may use a person reference here: those the referral service says are linked to the
 * person (they registered them, sent or received one of their referrals), and those that ran one of
 * their assessments. Anyone else is told the person does not exist, exactly as for a reference that
 * was never issued: holding a reference proves nothing.
 */
@Injectable()
export class PersonLinks {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(LINK_WAIT_MS) private readonly waitMs: number,
  ) {}

  async isLinked(personRef: string, structureId: string): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query(
      `SELECT 1 FROM person_link WHERE person_ref = $1 AND structure_id = $2
       UNION ALL
       SELECT 1 FROM assessment WHERE person_ref = $1 AND structure_id = $2
       LIMIT 1`,
      [personRef, structureId],
    );
    return rows.length > 0;
  }

  /**
   * Resolves once the structure is linked to the person, or throws the 404 problem. An agent usually
   * registers the person in the referral service a moment before running the diagnostic, and the link
   * reaches this service through Kafka (tens of milliseconds, more under load): an unknown link is
   * polled for up to DIAGNOSTIC_LINK_WAIT_MS (2 s by default) before the answer is no. A reference that
   * does not exist waits as long, so the delay tells nothing either. Call it outside a transaction.
   */
  async requireLink(personRef: string, structureId: string): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      if (await this.isLinked(personRef, structureId)) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new NotFoundError('Personne');
      await sleep(Math.min(POLL_INTERVAL_MS, left));
    }
  }

  async link(personRef: string, structureId: string, via: LinkVia, at: Date | string): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO person_link (person_ref, structure_id, via, linked_at) VALUES ($1, $2, $3, $4) ON CONFLICT (person_ref, structure_id) DO NOTHING`,
      [personRef, structureId, via, at],
    );
  }

  @HandlesEvent('fr.relais.referral.person.linked.v1')
  async onLinked(link: EventPayload<'fr.relais.referral.person.linked.v1'>): Promise<void> {
    await this.link(link.personRef, link.structureId, link.via, link.at);
  }
}
