import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DirectoryReadModel } from '../directory-read-model/directory-read-model';
import { referralThematique } from '../directory-read-model/directory-snapshot.adapter';
import { delayBucket } from './delay-histogram';
import { dayOf, NO_NETWORK, Rollups, takeRollupTurn, type ReferralDimensions } from './rollups';

type Transition = EventPayload<'fr.relais.referral.referral.received.v1'>;

/** The funnel stage each transition event reaches; suspensions and resumptions reach none. */
const stageOfEvent = {
  'fr.relais.referral.referral.received.v1': 'received',
  'fr.relais.referral.referral.accepted.v1': 'accepted',
  'fr.relais.referral.referral.rejected.v1': 'rejected',
  'fr.relais.referral.referral.redirected.v1': 'redirected',
  'fr.relais.referral.referral.started.v1': 'in-progress',
  'fr.relais.referral.referral.put-on-hold.v1': null,
  'fr.relais.referral.referral.resumed.v1': null,
  'fr.relais.referral.referral.completed.v1': 'completed',
  'fr.relais.referral.referral.failed.v1': 'failed',
  'fr.relais.referral.referral.cancelled.v1': 'cancelled',
  'fr.relais.referral.referral.expired.v1': 'expired',
} as const;
type TransitionType = keyof typeof stageOfEvent;

/** Delays measured from the request, at the event that ends them; the SLA deadline each is held to, if any. */
const delayOfStage: Partial<Record<string, { measure: string; deadline: 'acknowledge' | 'first-contact' | null }>> = {
  received: { measure: 'acknowledgement', deadline: 'acknowledge' },
  accepted: { measure: 'acceptance', deadline: null },
  'in-progress': { measure: 'first-contact', deadline: 'first-contact' },
  completed: { measure: 'completion', deadline: null },
};

const endStatuses = new Set(['rejected', 'redirected', 'completed', 'failed', 'cancelled', 'expired']);

interface StateRow {
  referral_id: string;
  person_ref: string;
  network_ids: string[];
  structure_id: string;
  role: string;
  thematique: string;
  sender_network_id: string;
  status: string;
  requested_at: Date;
  acknowledge_due_at: Date;
  first_contact_due_at: Date;
  redirect_of: string | null;
  redirected_on: string | null;
}

/**
 * Funnel, delays and continuity from the referral's events. Figures go to the receiving service's networks (the
 * directory's copy; the event's network when the service is unknown), the sender's network is kept as a filter.
 * One state row per referral while it is open carries what its later events need; it goes at the end state, or
 * with the person (erasure), leaving only counts.
 */
@Injectable()
export class ReferralProjection {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly directory: DirectoryReadModel,
    private readonly rollups: Rollups,
  ) {}

  @HandlesEvent('fr.relais.referral.referral.requested.v1')
  async onRequested(payload: EventPayload<'fr.relais.referral.referral.requested.v1'>, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    const day = dayOf(payload.at);
    const dims = await this.dimensionsOf(payload);
    const sender = await this.directory.structure(payload.sendingStructureId);
    const senderNetworkId = sender?.networkIds.find((id) => dims.networkIds.includes(id)) ?? sender?.networkIds[0] ?? NO_NETWORK;
    const thematique = referralThematique(payload.needs);
    const inserted = await this.txHost.tx.query<Array<{ referral_id: string }>>(
      `INSERT INTO referral_state (referral_id, person_ref, network_ids, structure_id, role, thematique, sender_network_id, status,
                                   requested_at, acknowledge_due_at, first_contact_due_at, redirect_of)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $9, $10, $11)
       ON CONFLICT (referral_id) DO NOTHING RETURNING referral_id`,
      [
        payload.referralId,
        payload.personRef,
        dims.networkIds,
        dims.structureId,
        dims.role,
        thematique,
        senderNetworkId,
        payload.at,
        payload.acknowledgeDueAt,
        payload.firstContactDueAt,
        payload.previousReferralId,
      ],
    );
    // The same referral published twice under two event ids (a replayed outbox) counts once.
    if (inserted.length === 0) return;
    await this.rollups.stage(day, dims, 'requested', thematique, senderNetworkId);
    await this.rollups.commune(day, dims.networkIds, sender?.communeCode ?? 'inconnue', 'orientations');
    await this.followUps(payload.personRef, payload.at);
  }

  @HandlesEvent(...(Object.keys(stageOfEvent) as [TransitionType, ...TransitionType[]]))
  async onTransition(payload: Transition, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    const stage = stageOfEvent[context.type as TransitionType];
    const day = dayOf(payload.at);
    const rows = await this.txHost.tx.query<StateRow[]>(`SELECT * FROM referral_state WHERE referral_id = $1 FOR UPDATE`, [payload.referralId]);
    const state = rows[0];
    // Without a state row (the person was erased, or the request predates this projection) the event still counts.
    const dims: ReferralDimensions = state ? { networkIds: state.network_ids, structureId: state.structure_id, role: state.role } : await this.dimensionsOf(payload);
    const thematique = state?.thematique ?? 'non-precisee';
    const senderNetworkId = state?.sender_network_id ?? NO_NETWORK;
    if (stage !== null) await this.rollups.stage(day, dims, stage, thematique, senderNetworkId);

    const delay = stage === null ? undefined : delayOfStage[stage];
    if (state && delay) {
      const at = Date.parse(payload.at);
      const deadline = delay.deadline === 'acknowledge' ? state.acknowledge_due_at : delay.deadline === 'first-contact' ? state.first_contact_due_at : null;
      await this.rollups.delay(day, dims, delay.measure, deadline !== null && at <= deadline.getTime(), delayBucket(at - state.requested_at.getTime()));
    }
    if (endStatuses.has(payload.to)) await this.rollups.journey(day, dims, 'exit', payload.from);

    switch (stage) {
      case 'expired':
      case 'failed':
        await this.rollups.journey(day, dims, 'break', stage);
        break;
      case 'rejected':
        await this.rollups.journey(day, dims, 'rejection-reason', payload.reasonCode ?? 'non-precise');
        await this.rollups.journey(day, dims, 'rejected');
        await this.pending(payload, 'rejected', day, dims);
        break;
      case 'redirected':
        await this.rollups.journey(day, dims, 'redirect');
        break;
      case 'completed':
        await this.rollups.journey(day, dims, 'autonomy', payload.outcome?.autonomyGained ?? 'non-renseigne');
        if (payload.outcome?.nextStep) {
          await this.rollups.journey(day, dims, 'next-step-proposed');
          await this.pending(payload, 'next-step', day, dims);
        }
        break;
      case 'received':
        if (state?.redirect_of) await this.redirectPickedUp(state.redirect_of);
        break;
      case 'accepted':
      case 'in-progress':
      case 'cancelled':
      case null:
        break;
    }
    if (!state) return;
    if (endStatuses.has(payload.to) && state.redirect_of) {
      // The new referral ended without being acknowledged: the redirect was not picked up, and stays counted as such.
      await this.txHost.tx.query(`DELETE FROM referral_state WHERE referral_id = $1 AND status = 'redirected'`, [state.redirect_of]);
    }
    if (payload.to === 'redirected' && (await this.acknowledged(payload.redirectedToReferralId))) {
      // The new referral was acknowledged before this event arrived (events of two referrals come in any order).
      await this.rollups.journey(day, dims, 'redirect-picked-up');
      await this.txHost.tx.query(`DELETE FROM referral_state WHERE referral_id = $1`, [payload.referralId]);
    } else if (payload.to === 'redirected') {
      await this.txHost.tx.query(`UPDATE referral_state SET status = 'redirected', redirected_on = $2 WHERE referral_id = $1`, [payload.referralId, day]);
    } else if (endStatuses.has(payload.to)) {
      await this.txHost.tx.query(`DELETE FROM referral_state WHERE referral_id = $1`, [payload.referralId]);
    } else {
      await this.txHost.tx.query(`UPDATE referral_state SET status = $2 WHERE referral_id = $1`, [payload.referralId, payload.to]);
    }
  }

  /** The person's counts stay; nothing left here can lead back to them or to their referrals. */
  @HandlesEvent('fr.relais.referral.person.erased.v1')
  async onPersonErased(payload: EventPayload<'fr.relais.referral.person.erased.v1'>, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    await this.txHost.tx.query(`DELETE FROM referral_state WHERE person_ref = $1`, [payload.personRef]);
    await this.txHost.tx.query(`DELETE FROM journey_pending WHERE person_ref = $1`, [payload.personRef]);
  }

  @HandlesEvent('fr.relais.referral.referral.person-erased.v1')
  async onReferralErased(payload: EventPayload<'fr.relais.referral.referral.person-erased.v1'>, context: EventContext): Promise<void> {
    if (!(await takeRollupTurn(this.txHost, context))) return;
    await this.txHost.tx.query(`DELETE FROM referral_state WHERE referral_id = $1 OR person_ref = $2`, [payload.referralId, payload.personRef]);
    await this.txHost.tx.query(`DELETE FROM journey_pending WHERE referral_id = $1 OR person_ref = $2`, [payload.referralId, payload.personRef]);
  }

  private async dimensionsOf(payload: { receivingServiceId: string; receivingStructureId: string; networkId: string | null }): Promise<ReferralDimensions> {
    const service = await this.directory.service(payload.receivingServiceId);
    const networkIds = service && service.networkIds.length > 0 ? service.networkIds : payload.networkId ? [payload.networkId] : [];
    return { networkIds, structureId: payload.receivingStructureId, role: service?.roles[0] ?? 'inconnu' };
  }

  /** A step that waits for the person's next referral: a completion with a next step, a rejection. */
  private async pending(payload: Transition, kind: 'next-step' | 'rejected', day: string, dims: ReferralDimensions): Promise<void> {
    // The person's next referral may have been applied first (events of two referrals come in any order).
    const later = await this.txHost.tx.query<unknown[]>(
      `SELECT 1 FROM referral_state WHERE person_ref = $1 AND referral_id <> $2 AND requested_at >= $3 LIMIT 1`,
      [payload.personRef, payload.referralId, payload.at],
    );
    if (later.length > 0) {
      await this.rollups.journey(day, dims, `${kind}-followed`);
      return;
    }
    await this.txHost.tx.query(
      `INSERT INTO journey_pending (referral_id, kind, person_ref, day, network_ids, structure_id, role)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [payload.referralId, kind, payload.personRef, day, dims.networkIds, dims.structureId, dims.role],
    );
  }

  /** A new referral for the person follows up every step that waited for one, counted on that step's day. */
  private async followUps(personRef: string, at: string): Promise<void> {
    const followed = await this.txHost.tx.query<Array<{ kind: string; day: string; network_ids: string[]; structure_id: string; role: string }>>(
      // Through a CTE: TypeORM answers a bare DELETE … RETURNING with [rows, count], a SELECT with the rows.
      `WITH followed AS (DELETE FROM journey_pending WHERE person_ref = $1 AND day <= $2::date
                          RETURNING kind, to_char(day, 'YYYY-MM-DD') AS day, network_ids, structure_id, role)
       SELECT * FROM followed`,
      [personRef, dayOf(at)],
    );
    for (const step of followed) {
      await this.rollups.journey(step.day, { networkIds: step.network_ids, structureId: step.structure_id, role: step.role }, `${step.kind}-followed`);
    }
  }

  private async acknowledged(referralId: string | null): Promise<boolean> {
    if (referralId === null) return false;
    const rows = await this.txHost.tx.query<unknown[]>(`SELECT 1 FROM referral_state WHERE referral_id = $1 AND status <> 'requested'`, [referralId]);
    return rows.length > 0;
  }

  private async redirectPickedUp(originalReferralId: string): Promise<void> {
    const originals = await this.txHost.tx.query<Array<Pick<StateRow, 'network_ids' | 'structure_id' | 'role'> & { redirected_on: string }>>(
      `WITH original AS (DELETE FROM referral_state WHERE referral_id = $1 AND status = 'redirected' AND redirected_on IS NOT NULL
                          RETURNING network_ids, structure_id, role, to_char(redirected_on, 'YYYY-MM-DD') AS redirected_on)
       SELECT * FROM original`,
      [originalReferralId],
    );
    const original = originals[0];
    // Its redirect event not applied yet: that event will find this referral acknowledged and count it.
    if (!original) return;
    await this.rollups.journey(original.redirected_on, { networkIds: original.network_ids, structureId: original.structure_id, role: original.role }, 'redirect-picked-up');
  }
}
