import type { EventPayload } from '@relais/contracts';
import { iso } from '../shared/record';
import type { Network } from './network.entity';

type NetworkSnapshot = EventPayload<'fr.relais.directory.network.snapshot.v1'>;

/** The full state of a réseau local as other services learn it (compacted topic: the last per key wins). */
export function networkSnapshot(network: Network): NetworkSnapshot {
  return {
    networkId: network.id,
    version: network.version,
    deleted: network.deleted,
    updatedAt: network.updatedAt.toISOString(),
    lastVerifiedAt: iso(network.lastVerifiedAt),
    name: network.name,
    department: network.department,
    communeCodes: [...network.communeCodes].sort(),
    sla: {
      acknowledgeBusinessDays: network.slaAcknowledgeBusinessDays,
      firstContactBusinessDays: network.slaFirstContactBusinessDays,
      expireAfterDays: network.slaExpireAfterDays,
    },
  };
}
