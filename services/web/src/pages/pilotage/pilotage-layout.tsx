import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/problem';
import { useAgent } from '../../auth/agent-context';
import { SelectField, TextField } from '../../forms/fields';
import { ErrorMessage, Loading, PageTitle } from '../../ui';
import { periodLabel, periodOf, periodPresets } from './period';
import { PilotageContext, type Pilotage } from './pilotage-context';
import { funnelQuery, networksQuery } from './reporting-api';

const pages = [
  { path: '', title: 'Vue d’ensemble', forStructure: true },
  { path: 'structures', title: 'Structures', forStructure: true },
  { path: 'couverture', title: 'Couverture', forStructure: false },
  { path: 'ruptures', title: 'Ruptures de parcours', forStructure: true },
  { path: 'diagnostics', title: 'Diagnostics', forStructure: false },
] as const;

/** The networks this account may read: all for an administrator, its own for a coordinator or an agent. */
export function useReadableNetworks() {
  const agent = useAgent();
  const networks = useQuery(networksQuery);
  const admin = agent.roles.includes('admin');
  const readable = (networks.data?.items ?? []).filter((n) => admin || agent.networkIds.includes(n.id)).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  return { networks, readable };
}

/**
 * Frame of every pilotage page: the network (a chooser when the account reads several), the period (kept in
 * the address, so a link says what it shows), the pages' menu. The API decides access: a network that is not
 * the coordinator's answers 404, shown here as « introuvable » before anything else.
 */
export function PilotageLayout({ children }: { children: (pilotage: Pilotage) => ReactNode }) {
  const agent = useAgent();
  const { networkId = '' } = useParams();
  const [search] = useSearchParams();
  const period = periodOf(search, new Date());
  const periodSearch = `?du=${period.from}&au=${period.to}`;
  const { networks, readable } = useReadableNetworks();
  const ofStructure = !agent.roles.some((role) => role === 'coordinator' || role === 'admin');
  const probe = useQuery(funnelQuery(networkId, period));
  const name = networks.data?.items.find((n) => n.id === networkId)?.name;
  const location = useLocation();
  const current = pages.find((p) => location.pathname.replace(/\/$/, '').endsWith(`/${networkId}${p.path ? `/${p.path}` : ''}`)) ?? pages[0];

  if (probe.isError && probe.error instanceof ApiError && probe.error.status === 404) {
    return (
      <>
        <PageTitle text="Réseau introuvable" />
        <Alert
          severity="error"
          title="Ce réseau local est introuvable"
          description="Il n’existe pas, ou vous n’en assurez pas la coordination : ses chiffres ne vous sont pas accessibles."
          className="fr-mb-3w"
        />
        {readable.length > 0 && (
          <p>
            <Link to={`/pilotage/${readable[0]?.id ?? ''}`}>Voir le pilotage de {readable.length === 1 ? readable[0]?.name : 'vos réseaux'}</Link>
          </p>
        )}
      </>
    );
  }

  const pilotage: Pilotage = { networkId, networkName: name ?? 'réseau', period, ofStructure, periodSearch };
  return (
    <PilotageContext.Provider value={pilotage}>
      <PageTitle text={`${current.title} — ${name ?? 'Pilotage'}`}>
        Pilotage{name ? ` — ${name}` : ''}
        <span className="fr-text--lead relais-subtitle">
          {current.title}, {periodLabel(period)}
          {ofStructure ? ' (votre structure)' : ''}
        </span>
      </PageTitle>
      <div className="relais-pilotage-bar">
        {readable.length > 1 && <NetworkChooser networkId={networkId} networks={readable} periodSearch={periodSearch} page={current.path} />}
        <PeriodChooser key={`${period.from}-${period.to}`} from={period.from} to={period.to} />
      </div>
      <nav className="fr-mb-3w relais-pilotage-nav" aria-label="Pages du pilotage">
        <ul>
          {pages
            .filter((p) => !ofStructure || p.forStructure)
            .map((p) => (
              <li key={p.path}>
                <NavLink end to={`/pilotage/${networkId}${p.path ? `/${p.path}` : ''}${periodSearch}`} className="fr-link">
                  {p.title}
                </NavLink>
              </li>
            ))}
        </ul>
      </nav>
      {probe.isPending ? <Loading what="Chargement des chiffres" /> : probe.isError ? <ErrorMessage error={probe.error} title="Chiffres indisponibles" /> : children(pilotage)}
    </PilotageContext.Provider>
  );
}

function NetworkChooser({ networkId, networks, periodSearch, page }: { networkId: string; networks: Array<{ id: string; name: string }>; periodSearch: string; page: string }) {
  const navigate = useNavigate();
  const [chosen, setChosen] = useState(networkId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void navigate(`/pilotage/${chosen}${page ? `/${page}` : ''}${periodSearch}`);
  };
  return (
    <form onSubmit={submit} className="relais-inline-form" aria-label="Choisir le réseau">
      <SelectField id="reseau" label="Réseau local" value={chosen} onChange={setChosen} options={networks.map((n) => ({ value: n.id, label: n.name }))} />
      <button type="submit" className="fr-btn fr-btn--secondary">
        Afficher
      </button>
    </form>
  );
}

/** Presets as links (one click, and the address says the period), or two days typed in. */
function PeriodChooser({ from, to }: { from: string; to: string }) {
  const [search, setSearch] = useSearchParams();
  const [draft, setDraft] = useState({ from, to });
  const [error, setError] = useState<string | undefined>();
  const presets = periodPresets(new Date());
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const days = (Date.parse(draft.to) - Date.parse(draft.from)) / 86_400_000 + 1;
    if (!draft.from || !draft.to || Number.isNaN(days)) setError('Indiquez les deux dates.');
    else if (days < 1) setError('La date de fin doit suivre la date de début.');
    else if (days > 366) setError('La période est limitée à un an (366 jours).');
    else {
      setError(undefined);
      const next = new URLSearchParams(search);
      next.set('du', draft.from);
      next.set('au', draft.to);
      setSearch(next);
      return;
    }
    document.getElementById('periode-du')?.focus();
  };
  return (
    <div className="relais-period">
      <p className="fr-mb-1v fr-text--sm">Période :</p>
      <ul className="relais-period-presets">
        {presets.map((preset) => {
          const active = preset.period.from === from && preset.period.to === to;
          return (
            <li key={preset.key}>
              <Link className={`fr-tag fr-tag--sm`} aria-current={active ? 'true' : undefined} to={`?du=${preset.period.from}&au=${preset.period.to}`}>
                {preset.label}
              </Link>
            </li>
          );
        })}
      </ul>
      <form onSubmit={apply} className="relais-inline-form" aria-label="Période personnalisée" noValidate>
        <TextField id="periode-du" label="Du" type="date" value={draft.from} onChange={(value) => setDraft((d) => ({ ...d, from: value }))} error={error} />
        <TextField id="periode-au" label="Au" type="date" value={draft.to} onChange={(value) => setDraft((d) => ({ ...d, to: value }))} />
        <button type="submit" className="fr-btn fr-btn--secondary">
          Appliquer
        </button>
      </form>
    </div>
  );
}
