import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { serviceQuery } from '../api/directory';
import { sendReferral } from '../api/referral';
import { emptyReferralDraft, toNewReferral } from '../forms/referral-form';
import { SendReferralForm } from '../forms/send-referral-form';
import { useDraft } from '../forms/use-draft';
import { ErrorMessage, Loading, newIdempotencyKey, PageTitle } from '../ui';
import { useVocabularies } from '../vocabularies';

/** `/orienter/<service>?personne=<ref>&diagnostic=<id>&besoin=<thématique>`: opened from a search or a diagnostic, prefilled. */
export function SendReferralPage() {
  const { serviceId = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const service = useQuery(serviceQuery(serviceId));
  const vocabularies = useVocabularies();
  const person = params.get('personne') ?? '';
  const [draft, setDraft, clearDraft] = useDraft(`orienter:${serviceId}`, {
    ...emptyReferralDraft,
    ...(person ? { personMode: 'existing' as const, personReference: person } : {}),
    assessmentId: params.get('diagnostic') ?? '',
    need: params.get('besoin') ?? '',
  });
  // One key per attempt at this form: a resend after a lost answer is recognised, not duplicated.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const send = useMutation({
    mutationFn: () => sendReferral(toNewReferral(serviceId, draft), idempotencyKey),
    onSuccess: (created) => {
      clearDraft();
      void navigate(`/orientations/${created.id}?envoyee=1`);
    },
  });

  if (service.isPending) return <Loading what="Chargement du service" />;
  if (service.isError)
    return (
      <>
        <PageTitle text="Orienter" />
        <ErrorMessage error={service.error} title="Service introuvable" />
      </>
    );
  const target = service.data;
  return (
    <>
      <PageTitle text={`Orienter vers ${target.name}`} />
      <p>
        {target.structure.name} — <Link to={`/annuaire/services/${target.id}`}>voir la fiche du service</Link>
      </p>
      {!target.acceptsRelaisReferrals || target.status !== 'active' ? (
        <Alert severity="warning" title="Ce service ne reçoit pas d’orientation par Relais" description="Contactez-le directement avec les moyens indiqués sur sa fiche." />
      ) : (
        <>
          {send.isError && <ErrorMessage error={send.error} title="L’orientation n’a pas été envoyée" />}
          <SendReferralForm
            draft={draft}
            setDraft={setDraft}
            serviceName={target.name}
            structureName={target.structure.name}
            thematiques={vocabularies.data?.thematiques ?? []}
            submitting={send.isPending}
            onSubmit={() => send.mutate()}
          />
        </>
      )}
    </>
  );
}
