import { existsSync } from 'node:fs';
import { WEB_CLIENT_ID } from '@relais/demo';
import { ConfigError } from '@relais/platform';
import type { WebApp } from './gateway';
import type { LocalConfig } from './local-config';

/** What the gateway tells the web workspace about this instance (`/web-config.json`) and the files it serves in place of the build's. */
export function webApp(root: () => string, issuer: string, config: Pick<LocalConfig, 'RELAIS_WEB_OPERATOR_NAME' | 'RELAIS_WEB_OPERATOR_LOGO_URL' | 'RELAIS_WEB_STATE_SERVICE' | 'RELAIS_WEB_COMMUNES_GEOJSON' | 'RELAIS_WEB_MAP_ATTRIBUTION'>): WebApp {
  const communes = config.RELAIS_WEB_COMMUNES_GEOJSON;
  if (communes && !existsSync(communes)) throw new ConfigError([`RELAIS_WEB_COMMUNES_GEOJSON : fichier introuvable (${communes})`]);
  const issuerOrigin = new URL(issuer).origin;
  return {
    root,
    config: {
      issuer,
      clientId: WEB_CLIENT_ID,
      brand: {
        operatorName: config.RELAIS_WEB_OPERATOR_NAME,
        operatorLogoUrl: config.RELAIS_WEB_OPERATOR_LOGO_URL ?? null,
        stateService: config.RELAIS_WEB_STATE_SERVICE,
        serviceTitle: 'Relais',
        serviceTagline: 'Orienter et suivre les personnes vers l’inclusion numérique',
      },
      map: {
        communesUrl: communes ? '/geo/communes.geojson' : '/geo/communes-56-morbihan.geojson',
        attribution: config.RELAIS_WEB_MAP_ATTRIBUTION,
      },
    },
    ...(communes ? { overrides: { '/geo/communes.geojson': communes } } : {}),
    // The workspace signs in against the issuer: allowed when it lives on another origin (ProConnect).
    connectOrigins: [issuerOrigin],
  };
}
