import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent } from '@relais/messaging';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';

/**
 * The little notification needs of the directory: names to write in messages and the referral
 * mailboxes (a service's, else its structure's). Kept from the snapshots, a newer version winning.
 */
@Injectable()
export class DirectoryCopy {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @HandlesEvent('fr.relais.directory.structure.snapshot.v1')
  async onStructure(snapshot: EventPayload<'fr.relais.directory.structure.snapshot.v1'>): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO notification_structure (structure_id, version, deleted, name, referral_email) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (structure_id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted, name = EXCLUDED.name,
         referral_email = EXCLUDED.referral_email
       WHERE notification_structure.version < EXCLUDED.version`,
      [snapshot.structureId, snapshot.version, snapshot.deleted, snapshot.name, snapshot.referralEmail ?? null],
    );
  }

  @HandlesEvent('fr.relais.directory.service.snapshot.v1')
  async onService(snapshot: EventPayload<'fr.relais.directory.service.snapshot.v1'>): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO notification_service (service_id, structure_id, version, deleted, name, referral_email, network_ids, status, open_slots_per_week)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (service_id) DO UPDATE SET structure_id = EXCLUDED.structure_id, version = EXCLUDED.version, deleted = EXCLUDED.deleted,
         name = EXCLUDED.name, referral_email = EXCLUDED.referral_email, network_ids = EXCLUDED.network_ids, status = EXCLUDED.status,
         open_slots_per_week = EXCLUDED.open_slots_per_week
       WHERE notification_service.version < EXCLUDED.version`,
      [
        snapshot.serviceId,
        snapshot.structureId,
        snapshot.version,
        snapshot.deleted,
        snapshot.name,
        snapshot.referralEmail ?? null,
        snapshot.networkIds,
        snapshot.status,
        snapshot.capacity.openSlotsPerWeek,
      ],
    );
  }

  /** The networks' names and expiry delay: the last reminder comes before the expiry, the weekly summary names the network. */
  @HandlesEvent('fr.relais.directory.network.snapshot.v1')
  async onNetwork(snapshot: EventPayload<'fr.relais.directory.network.snapshot.v1'>): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO notification_network (network_id, version, deleted, name, expire_after_days) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (network_id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted, name = EXCLUDED.name, expire_after_days = EXCLUDED.expire_after_days
       WHERE notification_network.version < EXCLUDED.version`,
      [snapshot.networkId, snapshot.version, snapshot.deleted, snapshot.name, snapshot.sla.expireAfterDays],
    );
  }

  async structureName(structureId: string): Promise<string> {
    const rows = await this.txHost.tx.query<Array<{ name: string }>>(`SELECT name FROM notification_structure WHERE structure_id = $1`, [structureId]);
    return rows[0]?.name ?? 'Une structure du réseau';
  }

  async serviceName(serviceId: string): Promise<string> {
    const rows = await this.txHost.tx.query<Array<{ name: string }>>(`SELECT name FROM notification_service WHERE service_id = $1`, [serviceId]);
    return rows[0]?.name ?? 'votre service';
  }

  /** The mailbox referrals to this service go to: the service's own, else its structure's; null when neither (or retired). */
  async referralEmail(structureId: string, serviceId: string | null): Promise<string | null> {
    const rows = await this.txHost.tx.query<Array<{ email: string | null }>>(
      `SELECT COALESCE(
         (SELECT referral_email FROM notification_service WHERE service_id = $2 AND NOT deleted),
         (SELECT referral_email FROM notification_structure WHERE structure_id = $1 AND NOT deleted)) AS email`,
      [structureId, serviceId],
    );
    return rows[0]?.email ?? null;
  }
}
