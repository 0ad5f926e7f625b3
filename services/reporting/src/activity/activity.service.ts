import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DomainError } from '@relais/platform';
import type { ActivityQuery, ActivityRow } from './activity.dto';

const MAX_DAYS = 366;

@Injectable()
export class ActivityService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Admins see the whole département; a coordinator only the networks its token names. */
  async daily(query: ActivityQuery, principal: Principal): Promise<ActivityRow[]> {
    const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
    if (days < 0) throw new DomainError('invalid-query', '« from » doit précéder « to ».');
    if (days >= MAX_DAYS) throw new DomainError('invalid-query', `La période est limitée à ${MAX_DAYS} jours.`);
    const isAdmin = principal.roles.includes('admin');
    if (query.network && !isAdmin && !principal.networkIds.includes(query.network)) {
      throw new DomainError('forbidden', "Ce réseau n'est pas l'un des vôtres.");
    }
    const networks = query.network ? [query.network] : isAdmin ? null : principal.networkIds;
    const rows = await this.txHost.tx.query<Array<{ day: string; event_type: string; network_id: string | null; count: number }>>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, event_type, network_id, count
         FROM activity_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::uuid[] IS NULL OR network_id = ANY($3::uuid[]))
        ORDER BY day, event_type, network_id`,
      [query.from, query.to, networks],
    );
    return rows.map((row) => ({ day: row.day, eventType: row.event_type, networkId: row.network_id, count: row.count }));
  }
}
