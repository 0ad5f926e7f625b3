import { NavLink, Link } from 'react-router';
import type { InstanceConfig } from '../instance-config';
import type { Agent } from '../auth/session';
import { accountRoleLabels } from '../labels';

export interface NavItem {
  to: string;
  text: string;
  end?: boolean;
}

/**
 * The DSFR header, with the brand block the instance asks for (docs/decisions/0006-web-brand.md): the
 * operator's name and logo by default, the State's Marianne block only for an instance run by a State
 * service. Built from the DSFR's classes rather than react-dsfr's Header, which always draws the Marianne.
 * The navigation wraps instead of collapsing into a menu button: it stays usable at 320 px and 200 % zoom
 * without script.
 */
export function BrandHeader({ config, agent, structureName, nav, onSignOut }: {
  config: InstanceConfig;
  agent: Agent | null;
  structureName: string | null;
  nav: NavItem[];
  onSignOut: () => void;
}) {
  const { brand } = config;
  return (
    <header role="banner" className="fr-header relais-header">
      <div className="fr-header__body">
        <div className="fr-container">
          <div className="fr-header__body-row">
            <div className="fr-header__brand fr-enlarge-link">
              <div className="fr-header__brand-top">
                {brand.stateService && (
                  <div className="fr-header__logo">
                    <p className="fr-logo">
                      République
                      <br />
                      Française
                    </p>
                  </div>
                )}
                {brand.operatorLogoUrl && (
                  <div className="fr-header__operator">
                    <img className="relais-operator-logo" src={brand.operatorLogoUrl} alt={brand.operatorName} />
                  </div>
                )}
              </div>
              <div className="fr-header__service">
                <Link to="/" title={`Accueil — ${brand.serviceTitle}`}>
                  <p className="fr-header__service-title">{brand.serviceTitle}</p>
                </Link>
                <p className="fr-header__service-tagline">
                  {brand.operatorLogoUrl ? brand.serviceTagline : `${brand.operatorName} — ${brand.serviceTagline}`}
                </p>
              </div>
            </div>
            {agent && (
              <div className="fr-header__tools relais-header-tools">
                <p className="fr-mb-1v relais-who">
                  <span className="fr-icon-account-circle-line fr-mr-1v" aria-hidden="true" />
                  <strong>{agent.name}</strong>
                  {structureName && !agent.name.includes(structureName) && <span> — {structureName}</span>}
                  <span className="fr-text--xs relais-roles"> ({agent.roles.map((role) => accountRoleLabels[role] ?? role).join(', ')})</span>
                </p>
                <button type="button" className="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-logout-box-r-line fr-btn--icon-left" onClick={onSignOut}>
                  Se déconnecter
                </button>
              </div>
            )}
          </div>
        </div>
      </div>
      {agent && nav.length > 0 && (
        <div className="relais-nav">
          <div className="fr-container">
            <nav className="fr-nav" aria-label="Menu principal">
              <ul className="relais-nav-list">
                {nav.map((item) => (
                  <li key={item.to} className="fr-nav__item">
                    <NavLink to={item.to} end={item.end} className="fr-nav__link">
                      {item.text}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </div>
      )}
    </header>
  );
}
