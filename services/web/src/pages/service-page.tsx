import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { serviceQuery } from '../api/directory';
import { formatDate, humanize, label, modalityLabels } from '../labels';
import { ErrorMessage, Loading, PageTitle } from '../ui';
import { termLabel, useVocabularies } from '../vocabularies';

const referralMethodLabels: Record<string, string> = { relais: 'par Relais', email: 'par courriel', telephone: 'par téléphone', lien: 'par un formulaire en ligne' };

export function ServicePage() {
  const { id = '' } = useParams();
  const service = useQuery(serviceQuery(id));
  const vocabularies = useVocabularies();
  if (service.isPending) return <Loading what="Chargement du service" />;
  if (service.isError)
    return (
      <>
        <PageTitle text="Service" />
        <ErrorMessage error={service.error} title="Service introuvable" />
      </>
    );
  const s = service.data;
  const list = (values: string[], terms?: Array<{ value: string; label: string }>) => values.map((value) => termLabel(terms, value)).join(', ') || '—';
  return (
    <>
      <PageTitle text={s.name} />
      <p className="fr-text--lead">{s.structure.name}</p>
      <ul className="fr-badges-group fr-mb-2w">
        {s.status !== 'active' && (
          <li>
            <Badge severity="warning">{s.status === 'suspended' ? `Suspendu${s.suspendedUntil ? ` jusqu’au ${formatDate(s.suspendedUntil)}` : ''}` : 'Fermé'}</Badge>
          </li>
        )}
        <li>{s.acceptsRelaisReferrals ? <Badge severity="success">Reçoit les orientations Relais</Badge> : <Badge severity="info">Ne reçoit pas d’orientation par Relais</Badge>}</li>
        {s.freshness.stale && (
          <li>
            <Badge severity="warning">Fiche non vérifiée depuis le {formatDate(s.freshness.lastVerifiedAt)}</Badge>
          </li>
        )}
      </ul>
      {s.description && <p>{s.description}</p>}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-7">
          <dl className="relais-facts">
            <dt>Rôles</dt>
            <dd>{list(s.roles, vocabularies.data?.roles)}</dd>
            <dt>Besoins couverts</dt>
            <dd>{list(s.thematiques, vocabularies.data?.thematiques)}</dd>
            <dt>Publics</dt>
            <dd>{list(s.publics, vocabularies.data?.publics)}</dd>
            <dt>Modes d’accueil</dt>
            <dd>{s.modalities.map((modality) => label(modalityLabels, modality)).join(', ') || '—'}</dd>
            <dt>Langues</dt>
            <dd>{s.languages.join(', ') || '—'}</dd>
            <dt>Frais</dt>
            <dd>
              {list(s.fees, vocabularies.data?.frais)}
              {s.feesDetails ? ` (${s.feesDetails})` : ''}
            </dd>
            <dt>Places cette semaine</dt>
            <dd>{s.capacity?.openSlotsPerWeek == null ? 'non indiqué' : s.capacity.full ? 'complet' : s.capacity.openSlotsPerWeek}</dd>
            <dt>Délai d’attente</dt>
            <dd>{s.capacity?.waitingDays == null ? 'non indiqué' : `${s.capacity.waitingDays} jour${s.capacity.waitingDays > 1 ? 's' : ''}`}</dd>
            <dt>Comment orienter</dt>
            <dd>
              <ul>
                {s.referralMethods.map((method) => (
                  <li key={method.kind + (method.value ?? '')}>
                    {referralMethodLabels[method.kind] ?? humanize(method.kind)}
                    {method.value ? ` : ${method.value}` : ''}
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
          {s.acceptsRelaisReferrals && s.status === 'active' && (
            <Link className="fr-btn fr-icon-send-plane-line fr-btn--icon-left" to={`/orienter/${s.id}${s.thematiques[0] ? `?besoin=${encodeURIComponent(s.thematiques[0])}` : ''}`}>
              Orienter ici
            </Link>
          )}
        </div>
        <div className="fr-col-12 fr-col-md-5">
          <h2 className="fr-h5">Lieux et horaires</h2>
          {s.lieux.length === 0 && <p>Ce service vient à la personne (à domicile, itinérant ou à distance).</p>}
          {s.lieux.map((lieu) => (
            <section key={lieu.id} className="relais-panel fr-mb-2w" aria-label={lieu.name}>
              <h3 className="fr-h6 fr-mb-1v">{lieu.name}</h3>
              <p className="fr-mb-1v">
                {[lieu.street, [lieu.postalCode, lieu.communeName].filter(Boolean).join(' ')].filter(Boolean).join(', ')}
              </p>
              {lieu.weeklyHours && lieu.weeklyHours.length > 0 ? (
                <ul className="relais-hours">
                  {lieu.weeklyHours.map((slot) => (
                    <li key={slot.opens}>
                      {slot.opens} – {slot.closes.split(' ').pop()}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="fr-text--sm">{lieu.openingHours ? `Horaires : ${lieu.openingHours}` : 'Horaires non indiqués.'}</p>
              )}
              {lieu.accessibility?.wheelchair && <p className="fr-text--sm">Accessible en fauteuil roulant.</p>}
            </section>
          ))}
        </div>
      </div>
    </>
  );
}
