import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { listReferrals } from '../api/referral';
import { useAgent } from '../auth/agent-context';
import { ReferralTable } from '../components/referral-table';
import { Empty, ErrorMessage, Loading, PageTitle } from '../ui';

const waitingForMe = ['requested', 'received', 'accepted'];
const closedStatuses = ['completed', 'rejected', 'redirected', 'failed', 'cancelled', 'expired'];

/** What needs me today: referrals waiting for my answer (with their SLA date), overdue ones, and sent ones that moved. */
export function HomePage() {
  const agent = useAgent();
  if (!agent.structureId) return <WithoutStructure name={agent.name} />;
  return <StructureHome />;
}

/** Coordinators and the département's administrator act for no structure: no inbox of their own here. */
function WithoutStructure({ name }: { name: string }) {
  return (
    <>
      <PageTitle text="Aujourd’hui" />
      <p className="fr-text--lead">Bonjour {name}.</p>
      <p>Votre compte n’est rattaché à aucune structure : il n’a pas de boîte d’orientations. L’annuaire reste à votre disposition.</p>
      <Link className="fr-btn fr-btn--secondary fr-icon-search-line fr-btn--icon-left" to="/annuaire">
        Chercher un service
      </Link>
    </>
  );
}

function StructureHome() {
  const agent = useAgent();
  const waiting = useQuery({ queryKey: ['home', 'waiting'], queryFn: () => listReferrals('received', { status: waitingForMe }, null, 50) });
  const overdueReceived = useQuery({ queryKey: ['home', 'overdue-received'], queryFn: () => listReferrals('received', { overdue: true }, null, 50) });
  const overdueSent = useQuery({ queryKey: ['home', 'overdue-sent'], queryFn: () => listReferrals('sent', { overdue: true }, null, 50) });
  const sent = useQuery({ queryKey: ['home', 'sent'], queryFn: () => listReferrals('sent', {}, null, 50) });
  // "Moved": a sent referral whose status changed after it was sent, newest first.
  const moved = (sent.data?.items ?? []).filter((referral) => referral.status !== 'requested').slice(0, 10);
  const closed = moved.filter((referral) => closedStatuses.includes(referral.status)).length;
  const count = (page: { items: unknown[]; nextCursor: string | null } | undefined) => (page ? `${page.items.length}${page.nextCursor ? '+' : ''}` : '…');

  return (
    <>
      <PageTitle text="Aujourd’hui" />
      <p className="fr-text--lead">Bonjour {agent.name.replace(/\s*\(.*\)$/, '')}. Voici ce qui vous attend.</p>
      <ul className="relais-counters" aria-label="En chiffres">
        <li>
          <Link to="/orientations/recues?statut=a-traiter" className="relais-counter">
            <span className="relais-counter-value">{count(waiting.data)}</span> reçues à traiter
          </Link>
        </li>
        <li>
          <Link to="/orientations/recues?retard=1" className="relais-counter relais-counter--alert">
            <span className="relais-counter-value">{count(overdueReceived.data)}</span> reçues en retard
          </Link>
        </li>
        <li>
          <Link to="/orientations/envoyees?retard=1" className="relais-counter">
            <span className="relais-counter-value">{count(overdueSent.data)}</span> envoyées en retard
          </Link>
        </li>
        <li>
          <Link to="/orientations/envoyees" className="relais-counter">
            <span className="relais-counter-value">{sent.data ? moved.length : '…'}</span> envoyées qui ont avancé{closed ? ` (dont ${closed} terminées)` : ''}
          </Link>
        </li>
      </ul>

      <h2 className="fr-h4 fr-mt-4w">Reçues, en attente de votre réponse</h2>
      {waiting.isPending ? <Loading /> : waiting.isError ? <ErrorMessage error={waiting.error} /> : waiting.data.items.length === 0 ? <Empty>Aucune orientation reçue n’attend de réponse.</Empty> : <ReferralTable items={waiting.data.items} box="received" caption="Orientations reçues à traiter" />}

      {(overdueSent.data?.items.length ?? 0) > 0 && (
        <>
          <h2 className="fr-h4 fr-mt-4w">Envoyées, en retard chez le destinataire</h2>
          <ReferralTable items={overdueSent.data?.items ?? []} box="sent" caption="Orientations envoyées en retard" />
        </>
      )}

      <h2 className="fr-h4 fr-mt-4w">Envoyées, qui ont avancé</h2>
      {sent.isPending ? <Loading /> : sent.isError ? <ErrorMessage error={sent.error} /> : moved.length === 0 ? <Empty>Aucune de vos orientations n’a encore reçu de réponse.</Empty> : <ReferralTable items={moved} box="sent" caption="Orientations envoyées qui ont avancé" />}

      <div className="relais-actions fr-mt-4w">
        <Link className="fr-btn fr-icon-questionnaire-line fr-btn--icon-left" to="/diagnostic">
          Faire un diagnostic
        </Link>
        <Link className="fr-btn fr-btn--secondary fr-icon-search-line fr-btn--icon-left" to="/annuaire">
          Chercher un service
        </Link>
      </div>
    </>
  );
}
