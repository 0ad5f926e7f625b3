import { Link } from 'react-router';
import type { ReferralSummary } from '../api/referral';
import { formatDate } from '../labels';
import { StatusBadge } from '../ui';
import { ServiceName, StructureName } from './names';
import { Needs } from './needs';

/** Referrals as a table (a list on narrow screens, by CSS): what, who, status, the next deadline. */
export function ReferralTable({ items, box, caption }: { items: ReferralSummary[]; box: 'received' | 'sent'; caption: string }) {
  return (
    <div className="fr-table fr-table--no-caption relais-table">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Orientation</th>
            <th scope="col">{box === 'received' ? 'Envoyée par' : 'Vers'}</th>
            <th scope="col">Statut</th>
            <th scope="col">Échéance</th>
          </tr>
        </thead>
        <tbody>
          {items.map((referral) => (
            <tr key={referral.id}>
              <td data-label="Orientation">
                <Link to={`/orientations/${referral.id}`}><Needs needs={referral.needs} empty="Orientation" /></Link>
                <br />
                <span className="fr-text--xs">
                  du {formatDate(referral.createdAt)}
                  {referral.urgency === 'urgent' && <strong className="relais-urgent"> — urgente</strong>}
                </span>
              </td>
              <td data-label={box === 'received' ? 'Envoyée par' : 'Vers'}>
                {box === 'received' ? <StructureName id={referral.sendingStructureId} /> : <ServiceName id={referral.receivingServiceId} />}
              </td>
              <td data-label="Statut">
                <StatusBadge status={referral.status} />
              </td>
              <td data-label="Échéance">
                <Deadline referral={referral} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Deadline({ referral }: { referral: ReferralSummary }) {
  const { deadlines, status } = referral;
  const due = status === 'requested' ? { what: 'accusé de réception', at: deadlines.acknowledgeDueAt } : status === 'received' || status === 'accepted' ? { what: 'premier contact', at: deadlines.firstContactDueAt } : null;
  if (!due) return <>—</>;
  return (
    <span className={deadlines.overdue ? 'relais-overdue' : undefined}>
      {deadlines.overdue && <span className="fr-icon-warning-fill fr-icon--sm fr-mr-1v" aria-hidden="true" />}
      {deadlines.overdue ? 'En retard : ' : ''}
      {due.what} avant le {formatDate(due.at)}
    </span>
  );
}
