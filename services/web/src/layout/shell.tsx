import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useInstance } from '../auth/agent-context';
import { signOut } from '../auth/session';
import { structureQuery } from '../api/directory';
import { BrandHeader, type NavItem } from './brand-header';

export function Shell({ children }: { children: ReactNode }) {
  const { agent, config } = useInstance();
  const structure = useQuery({ ...structureQuery(agent?.structureId ?? ''), enabled: Boolean(agent?.structureId) });
  // Inboxes, diagnostics, journeys and "my structure" belong to an account of a structure (agents, its software).
  const ofStructure = Boolean(agent?.structureId);
  const nav: NavItem[] = [
    { to: '/', text: 'Aujourd’hui', end: true },
    ...(ofStructure
      ? [
          { to: '/orientations/recues', text: 'Reçues' },
          { to: '/orientations/envoyees', text: 'Envoyées' },
          { to: '/diagnostic', text: 'Diagnostic' },
        ]
      : []),
    { to: '/annuaire', text: 'Annuaire' },
    ...(ofStructure
      ? [
          { to: '/parcours', text: 'Parcours' },
          { to: '/ma-structure', text: 'Ma structure' },
        ]
      : []),
    // Figures of the networks for their coordinators and the administrator, of its own structure for an agent.
    ...(agent && agent.networkIds.length > 0 ? [{ to: '/pilotage', text: 'Pilotage' }] : []),
  ];
  return (
    <>
      <SkipLinks links={[{ anchor: '#contenu', label: 'Contenu' }, { anchor: '#pied-de-page', label: 'Pied de page' }]} />
      <BrandHeader config={config} agent={agent} structureName={structure.data?.name ?? null} nav={nav} onSignOut={() => void signOut()} />
      <main id="contenu" tabIndex={-1} className="fr-container fr-pt-3w fr-pb-6w relais-main">
        {children}
      </main>
      <footer className="fr-footer" role="contentinfo" id="pied-de-page" tabIndex={-1}>
        <div className="fr-container">
          <div className="fr-footer__body">
            <div className="fr-footer__brand">
              {config.brand.stateService ? (
                <p className="fr-logo">
                  République
                  <br />
                  Française
                </p>
              ) : (
                <p className="relais-footer-operator">{config.brand.operatorName}</p>
              )}
            </div>
            <div className="fr-footer__content">
              <p className="fr-footer__content-desc">
                Relais : {config.brand.serviceTagline.toLowerCase()}. Service opéré par {config.brand.operatorName}. Contours des communes : {config.map.attribution}.
              </p>
            </div>
          </div>
          <div className="fr-footer__bottom">
            <ul className="fr-footer__bottom-list">
              <li className="fr-footer__bottom-item">
                <span className="fr-footer__bottom-link">Accessibilité : partiellement conforme</span>
              </li>
              <li className="fr-footer__bottom-item">
                <a className="fr-footer__bottom-link" href="/api/referral/docs">
                  API (intégrateurs)
                </a>
              </li>
            </ul>
          </div>
        </div>
      </footer>
    </>
  );
}
