import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { putCapacity, putOpeningHours, putStatus, serviceQuery, structureQuery, type ServiceDetail } from '../api/directory';
import { useAgent } from '../auth/agent-context';
import { SelectField, TextField } from '../forms/fields';
import { ErrorMessage, Loading, PageTitle } from '../ui';

/**
 * The agent's structure and its services. A structure's own agents may change each service's capacity,
 * waiting time and status and each lieu's opening hours (docs/directory.md, write API); the rest of a
 * record is the coordinators' to change, and the page says so instead of offering fields that would be refused.
 */
export function MyStructurePage() {
  const agent = useAgent();
  const structure = useQuery({ ...structureQuery(agent.structureId ?? ''), enabled: Boolean(agent.structureId) });
  if (!agent.structureId) return <PageTitle text="Ma structure" />;
  if (structure.isPending) return <Loading />;
  if (structure.isError) return <ErrorMessage error={structure.error} />;
  return (
    <>
      <PageTitle text={`Ma structure : ${structure.data.name}`} />
      <p>
        Vous pouvez mettre à jour les places, le délai d’attente, l’état de chaque service et les horaires des lieux. Pour le reste (rôles, thématiques, adresse de réception des orientations), adressez-vous à la coordination de votre réseau local.
      </p>
      {structure.data.services.length === 0 ? <p>Aucun service enregistré.</p> : structure.data.services.map((service) => <ServiceEditor key={service.id} id={service.id} />)}
    </>
  );
}

function ServiceEditor({ id }: { id: string }) {
  const service = useQuery(serviceQuery(id));
  if (service.isPending) return <Loading />;
  if (service.isError) return <ErrorMessage error={service.error} />;
  return <ServiceForm service={service.data} />;
}

/** `Mo-Fr 09:00-12:00` style (OSM opening_hours): checked here for shape, by the directory for meaning. */
export function openingHoursError(value: string): string | null {
  if (!value.trim()) return 'Indiquez les horaires (exemple : Mo-Fr 09:00-12:00,14:00-17:00).';
  if (!/\d{1,2}:\d{2}/.test(value) && !/24\/7|off|closed/i.test(value)) return 'Les horaires s’écrivent jour et heures, par exemple : Mo-Fr 09:00-12:00 ; Sa 09:00-12:00.';
  return null;
}

function ServiceForm({ service }: { service: ServiceDetail }) {
  const queryClient = useQueryClient();
  const [slots, setSlots] = useState(String(service.capacity?.openSlotsPerWeek ?? ''));
  const [waiting, setWaiting] = useState(String(service.capacity?.waitingDays ?? ''));
  const [status, setStatus] = useState<string>(service.status);
  const [until, setUntil] = useState(service.suspendedUntil?.slice(0, 10) ?? '');
  const [hours, setHours] = useState<Record<string, string>>(Object.fromEntries(service.lieux.map((lieu) => [lieu.id, lieu.openingHours ?? ''])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const prefix = `svc-${service.id.slice(0, 8)}`;
  const save = useMutation({
    mutationFn: async () => {
      const warnings: string[] = [];
      await putCapacity(service.id, { openSlotsPerWeek: Number(slots), waitingDays: Number(waiting) });
      if (status !== service.status || (status === 'suspended' && until !== (service.suspendedUntil?.slice(0, 10) ?? ''))) {
        await putStatus(service.id, { status, ...(status === 'suspended' && until ? { suspendedUntil: new Date(`${until}T23:59:59`).toISOString() } : {}) });
      }
      for (const lieu of service.lieux) {
        if ((hours[lieu.id] ?? '') !== (lieu.openingHours ?? '')) {
          const updated = await putOpeningHours(lieu.id, hours[lieu.id] ?? '');
          warnings.push(...(updated.openingHoursWarnings ?? []));
        }
      }
      return warnings;
    },
    onSuccess: async (warnings) => {
      setSaved(warnings.length ? `Enregistré. Remarques sur les horaires : ${warnings.join(' ; ')}` : 'Enregistré.');
      await queryClient.invalidateQueries({ queryKey: ['service', service.id] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const whole = (value: string) => /^\d+$/.test(value.trim());
    if (!whole(slots) || Number(slots) > 10000) found[`${prefix}-slots`] = 'Nombre entier de places, 0 si complet.';
    if (!whole(waiting) || Number(waiting) > 365) found[`${prefix}-waiting`] = 'Nombre de jours d’attente, de 0 à 365.';
    if (status === 'suspended' && until && new Date(until) <= new Date()) found[`${prefix}-until`] = 'La date de reprise doit être dans le futur.';
    for (const lieu of service.lieux) {
      const problem = openingHoursError(hours[lieu.id] ?? '');
      if (problem && (hours[lieu.id] ?? '') !== (lieu.openingHours ?? '')) found[`${prefix}-hours-${lieu.id.slice(0, 8)}`] = problem;
    }
    setErrors(found);
    setSaved(null);
    const first = Object.keys(found)[0];
    if (first) document.getElementById(first)?.focus();
    else save.mutate();
  };
  return (
    <section className="relais-panel fr-mb-3w" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`} className="fr-h5">
        <Link to={`/annuaire/services/${service.id}`}>{service.name}</Link>
      </h2>
      {saved && <Alert severity="success" small className="fr-mb-2w" description={<span role="status">{saved}</span>} />}
      {save.isError && <ErrorMessage error={save.error} title="Modification refusée" />}
      <form onSubmit={submit} noValidate>
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-4">
            <TextField id={`${prefix}-slots`} type="number" label="Places libres cette semaine" value={slots} onChange={setSlots} error={errors[`${prefix}-slots`]} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <TextField id={`${prefix}-waiting`} type="number" label="Délai d’attente (jours)" value={waiting} onChange={setWaiting} error={errors[`${prefix}-waiting`]} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <SelectField id={`${prefix}-status`} label="État" value={status} onChange={setStatus} options={[{ value: 'active', label: 'Ouvert' }, { value: 'suspended', label: 'Suspendu' }, { value: 'closed', label: 'Fermé définitivement' }]} />
          </div>
          {status === 'suspended' && (
            <div className="fr-col-12 fr-col-md-4">
              <TextField id={`${prefix}-until`} type="date" label="Reprise prévue le" value={until} onChange={setUntil} error={errors[`${prefix}-until`]} />
            </div>
          )}
          {service.lieux.map((lieu) => (
            <div key={lieu.id} className="fr-col-12">
              <TextField
                id={`${prefix}-hours-${lieu.id.slice(0, 8)}`}
                label={`Horaires — ${lieu.name}`}
                hint="Format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00 ; Sa 09:00-12:00 ; PH off"
                value={hours[lieu.id] ?? ''}
                onChange={(value) => setHours((previous) => ({ ...previous, [lieu.id]: value }))}
                error={errors[`${prefix}-hours-${lieu.id.slice(0, 8)}`]}
              />
            </div>
          ))}
        </div>
        <p className="fr-text--sm">Reçoit les orientations par Relais : {service.acceptsRelaisReferrals ? 'oui' : 'non'} (réglé par la coordination).</p>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Enregistrement…' : 'Enregistrer'}
        </Button>
      </form>
    </section>
  );
}
