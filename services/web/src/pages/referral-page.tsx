import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { moveReferral, reasonCodesQuery, referralQuery, revokeConsent, type ReferralDetail, type TransitionBody } from '../api/referral';
import { useAgent } from '../auth/agent-context';
import { ReferralFacts } from '../components/referral-facts';
import { StructureName } from '../components/names';
import { MoveForm } from '../forms/move-form';
import { autonomyLabels, consentMethodLabels, consentScopeLabels, contactLabels, formatDate, formatDateTime, label, moveLabel, partyLabels, reasonLabels, statusLabels } from '../labels';
import { ErrorMessage, Loading, PageTitle, StatusBadge } from '../ui';
import { termLabel, useVocabularies } from '../vocabularies';

export function ReferralPage() {
  const { id = '' } = useParams();
  const referral = useQuery(referralQuery(id));
  if (referral.isPending) return <Loading what="Chargement de l’orientation" />;
  if (referral.isError)
    return (
      <>
        <PageTitle text="Orientation" />
        <ErrorMessage error={referral.error} title="Orientation indisponible" />
      </>
    );
  return <ReferralView referral={referral.data} />;
}

function ReferralView({ referral }: { referral: ReferralDetail }) {
  const agent = useAgent();
  const queryClient = useQueryClient();
  const vocabularies = useVocabularies();
  const reasonCodes = useQuery(reasonCodesQuery);
  const [move, setMove] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['referral', referral.id] }).then(() => queryClient.invalidateQueries({ queryKey: ['home'] }));
  const transition = useMutation({
    mutationFn: (body: TransitionBody) => moveReferral(referral.id, body),
    onSuccess: async (result) => {
      setDone(`C’est fait : l’orientation est maintenant « ${label(statusLabels, result.status)} ».`);
      setMove(null);
      await refresh();
    },
  });
  const revocation = useMutation({
    mutationFn: () => revokeConsent(referral.id),
    onSuccess: async () => {
      setDone('Le retrait du consentement est enregistré : la structure destinataire ne voit plus les données de la personne.');
      await refresh();
    },
  });
  const isSender = agent.structureId === referral.sendingStructureId;
  const { person } = referral;
  const name = [person.firstName, person.lastName].filter(Boolean).join(' ');

  return (
    <>
      <PageTitle text={`Orientation du ${formatDate(referral.createdAt)}`} />
      <p>
        <StatusBadge status={referral.status} /> {referral.urgency === 'urgent' && <strong className="relais-urgent">Urgente</strong>}
      </p>
      {done && <Alert severity="success" small description={<span role="status">{done}</span>} closable onClose={() => setDone(null)} className="fr-mb-3w" />}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-7">
          <ReferralFacts referral={referral}>
            {referral.previousReferralId && (
              <>
                <dt>Suite de</dt>
                <dd>
                  <Link to={`/orientations/${referral.previousReferralId}`}>l’orientation précédente</Link>
                </dd>
              </>
            )}
          </ReferralFacts>

          <h2 className="fr-h5">La personne</h2>
          {referral.personErased ? (
            <p>Les données de cette personne ont été effacées à sa demande.</p>
          ) : (
            <dl className="relais-facts">
              <dt>Nom</dt>
              <dd>{name || <em>{isSender ? 'non transmis avec l’orientation (référence seule)' : 'non partagé avec votre structure'}</em>}</dd>
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
              <dt>Parcours</dt>
              <dd>
                <Link to={`/parcours/${person.reference}`}>Voir son parcours</Link>
              </dd>
            </dl>
          )}
          <h2 className="fr-h5">Motif</h2>
          <p className="relais-reason">{referral.reason ?? <em>Non partagé avec votre structure.</em>}</p>
          {referral.assessmentId && <p>Un diagnostic numérique accompagne cette orientation{referral.consent.scope.includes('assessment') ? ' (partagé avec l’accord de la personne)' : ''}.</p>}

          {referral.outcome && (
            <>
              <h2 className="fr-h5">Résultat de l’accompagnement</h2>
              <dl className="relais-facts">
                <dt>Autonomie</dt>
                <dd>{label(autonomyLabels, referral.outcome.autonomyGained)}</dd>
                {referral.outcome.nextStep && (
                  <>
                    <dt>Prochaine étape</dt>
                    <dd>{termLabel(vocabularies.data?.roles, referral.outcome.nextStep)}</dd>
                  </>
                )}
                {referral.outcome.summary && (
                  <>
                    <dt>Bilan</dt>
                    <dd>{referral.outcome.summary}</dd>
                  </>
                )}
              </dl>
            </>
          )}

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
                {step.redirectedToReferralId && (
                  <>
                    {' '}
                    — <Link to={`/orientations/${step.redirectedToReferralId}`}>nouvelle orientation</Link>
                  </>
                )}
              </li>
            ))}
          </ol>
        </div>

        <div className="fr-col-12 fr-col-md-5">
          <section className="relais-panel" aria-labelledby="actions-title">
            <h2 id="actions-title" className="fr-h5">
              Actions
            </h2>
            {transition.isError && <ErrorMessage error={transition.error} title="L’action n’a pas abouti" />}
            {referral.allowedTransitions.length === 0 ? (
              <p>Aucune action possible pour votre structure à ce stade.</p>
            ) : move ? (
              <MoveForm from={referral.status} to={move} roles={vocabularies.data?.roles ?? []} reasons={reasonCodes.data?.find((entry) => entry.status === move)} submitting={transition.isPending} onSubmit={(body) => transition.mutate(body)} onCancel={() => setMove(null)} />
            ) : (
              <ul className="relais-move-buttons">
                {referral.allowedTransitions.map((to) => (
                  <li key={to}>
                    <Button priority={['rejected', 'failed', 'cancelled'].includes(to) ? 'secondary' : 'primary'} onClick={() => { transition.reset(); setMove(to); }}>
                      {moveLabel(referral.status, to)}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="relais-panel fr-mt-3w" aria-labelledby="consent-title">
            <h2 id="consent-title" className="fr-h5">
              Consentement de la personne
            </h2>
            <p>
              Recueilli {label(consentMethodLabels, referral.consent.method)} le {formatDate(referral.consent.obtainedAt)}
              {referral.consent.expiresAt ? `, valable jusqu’au ${formatDate(referral.consent.expiresAt)}` : ''}.
            </p>
            <p className="fr-mb-1w">Partagé avec {referral.consent.sharedWith === 'receiver-and-redirects' ? 'la structure destinataire et celles vers qui elle réoriente' : 'la structure destinataire'} :</p>
            <ul>
              {referral.consent.scope.map((scope) => (
                <li key={scope}>{label(consentScopeLabels, scope)}</li>
              ))}
            </ul>
            {referral.consent.active ? (
              <>
                {revocation.isError && <ErrorMessage error={revocation.error} title="Le retrait n’a pas abouti" />}
                <Button priority="tertiary" iconId="fr-icon-close-circle-line" disabled={revocation.isPending} onClick={() => {
                  if (window.confirm('La personne retire son accord : la structure destinataire ne verra plus ses coordonnées ni le motif. Confirmer ?')) revocation.mutate();
                }}>
                  Enregistrer le retrait du consentement
                </Button>
              </>
            ) : (
              <p>
                <strong>Consentement retiré le {formatDate(referral.consent.revokedAt)}.</strong>
              </p>
            )}
            {!isSender && referral.view === 'pseudonymous' && <p className="fr-text--sm">Vous voyez cette orientation sans les données personnelles.</p>}
          </section>
        </div>
      </div>
    </>
  );
}
