/**
 * What the instance tells the workspace at start (`/web-config.json`, written by the gateway from the
 * platform's configuration): the build is the same for every département, the brand and the map are not.
 */
export interface InstanceConfig {
  /** OIDC issuer (the local provider in development, ProConnect-compatible in production). */
  issuer: string;
  clientId: string;
  brand: {
    /** Shown in the header's brand block: the operator (a département, a network), never the State unless it is one. */
    operatorName: string;
    operatorLogoUrl: string | null;
    /** True only for an instance operated by a State service: the Marianne block and the State's font then appear. */
    stateService: boolean;
    serviceTitle: string;
    serviceTagline: string;
  };
  map: {
    /** GeoJSON of the département's communes (properties `code`, `nom`), served by the same origin. */
    communesUrl: string;
    attribution: string;
  };
}

export async function loadInstanceConfig(): Promise<InstanceConfig> {
  const response = await fetch('/web-config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`La configuration de l’instance est illisible (HTTP ${response.status}).`);
  return (await response.json()) as InstanceConfig;
}
