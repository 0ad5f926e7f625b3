import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { actionLinkQuery, moveByLink, revokeLink, type ActionLinkView } from '../api/action-link';
import { ApiError } from '../api/problem';
import type { MoveReasons, ReferralDetail, TransitionBody } from '../api/referral';
import { ReferralFacts } from '../components/referral-facts';
import { StructureName } from '../components/names';
import { MoveForm } from '../forms/move-form';
import { contactLabels, formatDate, formatDateTime, label, moveLabel, partyLabels, reasonLabels, reasonRequired, statusLabels } from '../labels';
import { ErrorMessage, Loading, PageTitle, StatusBadge } from '../ui';
import { useVocabularies } from '../vocabularies';

/**
 * The page an action link opens (`/orientations/lien/:token`, issue 12 item 4), without an account: the
 * receiving structure sees the referral as its agents would (the person's details only within consent)
 * and answers it. The token is the credential: it stays in this page's address and the API paths, and the
 * page tells the browser never to send it on as a Referer (the gateway says the same in a header).
 */
export function ActionLinkPage() {
  const { token = '' } = useParams();
  useNoReferrer();
  const link = useQuery(actionLinkQuery(token));
  if (link.isPending) return <Loading what="Ouverture de l’orientation" />;
  if (link.isError) return <UnusableLink error={link.error} />;
  return link.data.state === 'closed' || !link.data.referral ? <ClosedLink link={link.data} /> : <OpenLink token={token} link={link.data} referral={link.data.referral} />;
}

/** Belt and braces with the gateway's header: a page opened from a mail client whatever served it. */
function useNoReferrer(): void {
  useEffect(() => {
    const meta = document.createElement('meta');
    meta.name = 'referrer';
    meta.content = 'no-referrer';
    document.head.appendChild(meta);
    return () => meta.remove();
  }, []);
}

/** Forged, expired, revoked or not this referral's receiver: the API says 404 for all of them, and so does this page. */
function UnusableLink({ error }: { error: unknown }) {
  if (!(error instanceof ApiError && error.status === 404)) {
    return (
      <>
        <PageTitle text="Orientation" />
        <ErrorMessage error={error} title="L’orientation ne peut pas être affichée" />
      </>
    );
  }
  return (
    <>
      <PageTitle text="Ce lien n’est plus valable" />
      <p className="fr-text--lead">Ce lien d’action a expiré, a été désactivé, ou son adresse est incomplète.</p>
      <ul>
        <li>Vérifiez que l’adresse a été copiée en entier depuis le courriel.</li>
        <li>Si votre structure a un compte Relais, l’orientation reste dans l’espace de travail, rubrique « Reçues ».</li>
        <li>Sinon, demandez un nouveau lien à la structure qui vous a orienté la personne.</li>
      </ul>
    </>
  );
}

function ClosedLink({ link }: { link: ActionLinkView }) {
  const outcome = link.outcome;
  return (
    <>
      <PageTitle text="Cette orientation est terminée" />
      {outcome ? (
        <>
          <p className="fr-text--lead">
            <StatusBadge status={outcome.status} /> le {formatDateTime(outcome.at)}, par {label(partyLabels, outcome.by)}
            {outcome.reasonCode ? <> — motif : {label(reasonLabels, outcome.reasonCode)}</> : null}.
          </p>
          {outcome.status === 'redirected' && <p>La personne a été orientée vers un autre service : la nouvelle structure a reçu sa propre demande.</p>}
        </>
      ) : null}
      <p>Ce lien ne permet plus d’agir. Les données de la personne ne sont plus affichées : elles ne sont plus utiles ici.</p>
    </>
  );
}

function OpenLink({ token, link, referral }: { token: string; link: ActionLinkView; referral: ReferralDetail }) {
  const queryClient = useQueryClient();
  const vocabularies = useVocabularies();
  const [move, setMove] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [revoked, setRevoked] = useState(false);
  const transition = useMutation({
    mutationFn: (body: TransitionBody) => moveByLink(token, body),
    onSuccess: async (result) => {
      setDone(`C’est fait : l’orientation est maintenant « ${label(statusLabels, result.status)} ».`);
      setMove(null);
      await queryClient.invalidateQueries({ queryKey: ['action-link', token] });
    },
  });
  const revocation = useMutation({ mutationFn: () => revokeLink(token), onSuccess: () => setRevoked(true) });
  const reasons = (status: string): MoveReasons | undefined => {
    const codes = link.reasonCodes[status];
    return codes ? { status, required: reasonRequired.has(status), codes } : undefined;
  };
  const { person } = referral;
  const name = [person.firstName, person.lastName].filter(Boolean).join(' ');

  if (revoked) {
    return (
      <>
        <PageTitle text="Lien désactivé" />
        <p>Ce lien ne fonctionne plus. L’orientation reste ouverte : la structure qui l’a envoyée peut vous en adresser un nouveau.</p>
      </>
    );
  }
  return (
    <>
      <PageTitle text="Une orientation pour votre structure" />
      <p>
        <StatusBadge status={referral.status} /> {referral.urgency === 'urgent' && <strong className="relais-urgent">Urgente</strong>}
      </p>
      <p className="fr-text--sm">
        Vous ouvrez cette orientation depuis un lien reçu par courriel, valable jusqu’au {formatDate(link.expiresAt)} ou jusqu’à la fin de l’orientation. Ne le transférez pas : il permet d’agir au nom de votre
        structure.
      </p>
      {done && <Alert severity="success" small description={<span role="status">{done}</span>} closable onClose={() => setDone(null)} className="fr-mb-3w" />}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-7">
          <ReferralFacts referral={referral} />

          <h2 className="fr-h5">La personne</h2>
          {referral.personErased ? (
            <p>Les données de cette personne ont été effacées à sa demande.</p>
          ) : (
            <dl className="relais-facts">
              <dt>Nom</dt>
              <dd>{name || <em>non partagé avec votre structure</em>}</dd>
              {person.phone && (
                <>
                  <dt>Téléphone</dt>
                  <dd>{person.phone}</dd>
                </>
              )}
              {person.email && (
                <>
                  <dt>Courriel</dt>
                  <dd>{person.email}</dd>
                </>
              )}
              <dt>Préfère être contactée</dt>
              <dd>{label(contactLabels, person.contactPreference)}</dd>
            </dl>
          )}
          <h2 className="fr-h5">Motif</h2>
          <p className="relais-reason">{referral.reason ?? <em>Non partagé avec votre structure.</em>}</p>

          <h2 className="fr-h5">Historique</h2>
          <ol className="relais-history">
            {referral.history.map((step, index) => (
              <li key={`${step.at}-${index}`}>
                <strong>{formatDateTime(step.at)}</strong> — {step.to === 'requested' ? 'Envoyée' : label(statusLabels, step.to)}, par {label(partyLabels, step.by.party)}
                {step.by.structureId && (
                  <>
                    {' '}
                    (<StructureName id={step.by.structureId} />)
                  </>
                )}
                {step.reasonCode && <> — motif : {label(reasonLabels, step.reasonCode)}</>}
                {step.comment && <> — « {step.comment} »</>}
              </li>
            ))}
          </ol>
        </div>

        <div className="fr-col-12 fr-col-md-5">
          <section className="relais-panel" aria-labelledby="actions-title">
            <h2 id="actions-title" className="fr-h5">
              Répondre
            </h2>
            {transition.isError && <ErrorMessage error={transition.error} title="L’action n’a pas abouti" />}
            {link.allowedTransitions.length === 0 ? (
              <p>Aucune action possible à ce stade.</p>
            ) : move ? (
              <MoveForm from={referral.status} to={move} roles={vocabularies.data?.roles ?? []} reasons={reasons(move)} submitting={transition.isPending} onSubmit={(body) => transition.mutate(body)} onCancel={() => setMove(null)} />
            ) : (
              <ul className="relais-move-buttons">
                {link.allowedTransitions.map((to) => (
                  <li key={to}>
                    <Button
                      priority={['rejected', 'failed', 'cancelled'].includes(to) ? 'secondary' : 'primary'}
                      onClick={() => {
                        transition.reset();
                        setMove(to);
                      }}
                    >
                      {moveLabel(referral.status, to)}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="relais-panel fr-mt-3w" aria-labelledby="link-title">
            <h2 id="link-title" className="fr-h6">
              Ce courriel ne vous était pas destiné ?
            </h2>
            {revocation.isError && <ErrorMessage error={revocation.error} title="La désactivation n’a pas abouti" />}
            <Button
              priority="tertiary"
              iconId="fr-icon-close-circle-line"
              disabled={revocation.isPending}
              onClick={() => {
                if (window.confirm('Ce lien cessera aussitôt de fonctionner, pour vous comme pour quiconque l’aurait reçu. Confirmer ?')) revocation.mutate();
              }}
            >
              Désactiver ce lien
            </Button>
          </section>
        </div>
      </div>
    </>
  );
}
