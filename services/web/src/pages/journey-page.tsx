import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { journeyQuery } from '../api/referral';
import { StructureName } from '../components/names';
import { Needs } from '../components/needs';
import { TextField } from '../forms/fields';
import { autonomyLabels, formatDateTime, label, partyLabels, reasonLabels, statusLabels } from '../labels';
import { Empty, ErrorMessage, Loading, PageTitle, StatusBadge } from '../ui';

/** The parcours of a person the structure is linked to: steps across agencies in time order, breaks in continuity shown. */
export function JourneyPage() {
  const { personReference } = useParams();
  const navigate = useNavigate();
  const [reference, setReference] = useState(personReference ?? '');
  const [error, setError] = useState<string | undefined>();
  const journey = useQuery({ ...journeyQuery(personReference ?? ''), enabled: Boolean(personReference) });
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (!/^p-[a-z2-7]{26}$/.test(reference.trim())) {
      setError('La référence commence par « p- » suivi de 26 lettres ou chiffres.');
      document.getElementById('reference')?.focus();
      return;
    }
    setError(undefined);
    void navigate(`/parcours/${reference.trim()}`);
  };
  return (
    <>
      <PageTitle text="Parcours d’une personne" />
      <form onSubmit={open} noValidate className="relais-inline-form" aria-label="Ouvrir un parcours">
        <TextField id="reference" label="Référence Relais de la personne" value={reference} onChange={setReference} error={error} autoComplete="off" />
        <button type="submit" className="fr-btn">
          Voir le parcours
        </button>
      </form>
      {!personReference ? (
        <p>Le parcours s’ouvre aussi depuis une orientation ou un diagnostic. Vous ne voyez que les personnes liées à votre structure.</p>
      ) : journey.isPending ? (
        <Loading what="Chargement du parcours" />
      ) : journey.isError ? (
        <ErrorMessage error={journey.error} title="Parcours indisponible" />
      ) : (
        <>
          {journey.data.breaks.length > 0 && (
            <Alert
              severity="warning"
              title={`${journey.data.breaks.length} rupture${journey.data.breaks.length > 1 ? 's' : ''} de continuité`}
              className="fr-mb-3w"
              description={
                <ul>
                  {journey.data.breaks.map((b) => (
                    <li key={`${b.referralId}-${b.kind}`}>
                      {formatDateTime(b.at)} — {b.detail} (<Link to={`/orientations/${b.referralId}`}>orientation</Link>)
                    </li>
                  ))}
                </ul>
              }
            />
          )}
          <h2 className="fr-h5">Orientations</h2>
          {journey.data.referrals.length === 0 ? (
            <Empty>Aucune orientation visible pour cette personne.</Empty>
          ) : (
            <ul className="relais-cards">
              {journey.data.referrals.map((r) => (
                <li key={r.id} className="relais-card">
                  <p className="fr-mb-1v">
                    <StatusBadge status={r.status} /> {r.visibility === 'limited' && <span className="fr-text--xs">(vue limitée)</span>}
                  </p>
                  <p className="fr-mb-1v">
                    <Link to={`/orientations/${r.id}`}><Needs needs={r.needs} empty="Orientation" /></Link> — de <StructureName id={r.sendingStructureId} /> vers <StructureName id={r.receivingStructureId} />
                  </p>
                  <p className="fr-text--xs fr-mb-0">
                    Envoyée le {formatDateTime(r.createdAt)}
                    {r.closedAt ? `, terminée le ${formatDateTime(r.closedAt)}` : ''}
                    {r.outcome ? ` — ${label(autonomyLabels, r.outcome.autonomyGained)}` : ''}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <h2 className="fr-h5 fr-mt-3w">Étapes, dans l’ordre</h2>
          {journey.data.steps.length === 0 ? (
            <Empty>Aucune étape visible.</Empty>
          ) : (
            <ol className="relais-history">
              {journey.data.steps.map((step, index) => (
                <li key={`${step.at}-${index}`}>
                  <strong>{formatDateTime(step.at)}</strong> —{' '}
                  {step.kind === 'assessment' ? (
                    'diagnostic numérique'
                  ) : (
                    <>
                      {step.to === 'requested' ? 'Orientation envoyée' : label(statusLabels, step.to)}
                      {step.by && (
                        <>
                          {' '}
                          par {label(partyLabels, step.by.party)}
                          {step.by.structureId && (
                            <>
                              {' '}
                              (<StructureName id={step.by.structureId} />)
                            </>
                          )}
                        </>
                      )}
                      {step.reasonCode && <> — {label(reasonLabels, step.reasonCode)}</>}
                    </>
                  )}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </>
  );
}
