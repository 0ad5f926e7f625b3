import { DEMO_COORDINATORS, DEMO_NETWORKS, DEMO_STRUCTURES, type StructureTypology } from '@relais/demo';

/**
 * The demo networks and structures that the demo accounts belong to, from @relais/demo (the identity
 * provider's accounts read the same module), so the structure and networks in a demo token are rows of
 * the directory; here they take the directory's words (typology codes, network keys).
 */
export const DEMO_NETWORK_IDS = DEMO_NETWORKS;

export type DemoNetworkKey = keyof typeof DEMO_NETWORKS;

export interface DemoStructureSeed {
  id: string;
  name: string;
  network: DemoNetworkKey;
  typology: 'CAF' | 'CCAS' | 'CS' | 'BIB' | 'RFS' | 'ASSO';
  aidantsConnect: boolean;
  communeCode: string;
}

/** The directory's typology code (data·inclusion vocabulary) for each kind of demo structure. */
const TYPOLOGY_CODES = {
  CAF: 'CAF',
  CCAS: 'CCAS',
  'centre social': 'CS',
  médiathèque: 'BIB',
  'France Services': 'RFS',
  association: 'ASSO',
} as const satisfies Record<StructureTypology, DemoStructureSeed['typology']>;

const networkKeyOf = new Map(Object.entries(DEMO_NETWORKS).map(([key, network]) => [network.id as string, key as DemoNetworkKey]));

export const DEMO_STRUCTURE_SEEDS: readonly DemoStructureSeed[] = Object.values(DEMO_STRUCTURES).map((structure) => {
  const network = networkKeyOf.get(structure.networkId);
  if (!network) throw new Error(`demo structure ${structure.name}: unknown network ${structure.networkId}`);
  return {
    id: structure.id,
    name: structure.name,
    network,
    typology: TYPOLOGY_CODES[structure.typology],
    aidantsConnect: structure.aidantsConnect,
    communeCode: structure.communeCode,
  };
});

/** Each network covers the communes of these EPCI (Code officiel géographique), in the Morbihan. */
export const NETWORK_EPCI: Record<DemoNetworkKey, string[]> = {
  vannes: ['200067932', '200027027'], // Golfe du Morbihan - Vannes Agglomération, Arc Sud Bretagne
  ploermel: ['200066777', '200066785'], // Ploërmel Communauté, de l'Oust à Brocéliande
  lorient: ['200042174', '245600440'], // Lorient Agglomération, Blavet Bellevue Océan
  pontivy: ['245614433', '200096675'], // Pontivy Communauté, Baud Communauté
  auray: ['200043123', '245600465'], // Auray Quiberon Terre Atlantique, Belle-Île-en-Mer
  questembert: ['245614383', '243500741', '244400610'], // Questembert Communauté, Redon Agglomération, Cap Atlantique (their Morbihan communes)
  centreBretagne: ['245614417', '200096683'], // Roi Morvan Communauté, Centre Morbihan Communauté
};

export const NETWORK_COORDINATORS: Record<DemoNetworkKey, string> = DEMO_COORDINATORS;
