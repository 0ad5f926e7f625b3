/**
 * The demo networks and structures that the demo accounts belong to (infra/src/identity/demo-accounts.ts):
 * same ids, same names, so the structure and networks in a demo token are rows of the directory.
 * Repeated here because a service never imports infra; test/seed.int-spec.ts checks both stay equal.
 */
export const DEMO_NETWORK_IDS = {
  vannes: { id: '56000000-0000-4000-a000-000000000001', name: 'Pays de Vannes' },
  ploermel: { id: '56000000-0000-4000-a000-000000000002', name: 'Pays de Ploërmel' },
  lorient: { id: '56000000-0000-4000-a000-000000000003', name: 'Pays de Lorient' },
  pontivy: { id: '56000000-0000-4000-a000-000000000004', name: 'Pays de Pontivy' },
  auray: { id: '56000000-0000-4000-a000-000000000005', name: "Pays d'Auray" },
  questembert: { id: '56000000-0000-4000-a000-000000000006', name: 'Pays de Questembert' },
  centreBretagne: { id: '56000000-0000-4000-a000-000000000007', name: 'Centre-Bretagne' },
} as const;

export type DemoNetworkKey = keyof typeof DEMO_NETWORK_IDS;

export interface DemoStructureSeed {
  id: string;
  name: string;
  network: DemoNetworkKey;
  typology: 'CAF' | 'CCAS' | 'CS' | 'BIB' | 'RFS' | 'ASSO';
  aidantsConnect: boolean;
  communeCode: string;
}

export const DEMO_STRUCTURE_SEEDS: readonly DemoStructureSeed[] = [
  { id: '56000000-0000-4000-b000-000000000001', name: 'CAF du Morbihan — accueil de Vannes', network: 'vannes', typology: 'CAF', aidantsConnect: false, communeCode: '56260' },
  { id: '56000000-0000-4000-b000-000000000002', name: 'CCAS de Vannes', network: 'vannes', typology: 'CCAS', aidantsConnect: false, communeCode: '56260' },
  { id: '56000000-0000-4000-b000-000000000003', name: 'Centre social de Kercado', network: 'vannes', typology: 'CS', aidantsConnect: true, communeCode: '56260' },
  { id: '56000000-0000-4000-b000-000000000004', name: 'Médiathèque de Ploërmel', network: 'ploermel', typology: 'BIB', aidantsConnect: false, communeCode: '56165' },
  { id: '56000000-0000-4000-b000-000000000005', name: 'France Services de Mauron', network: 'ploermel', typology: 'RFS', aidantsConnect: true, communeCode: '56127' },
  { id: '56000000-0000-4000-b000-000000000006', name: 'CCAS de Lorient', network: 'lorient', typology: 'CCAS', aidantsConnect: false, communeCode: '56121' },
  { id: '56000000-0000-4000-b000-000000000007', name: 'Association Le Lien numérique (Lorient)', network: 'lorient', typology: 'ASSO', aidantsConnect: true, communeCode: '56121' },
  { id: '56000000-0000-4000-b000-000000000008', name: 'France Services de Pontivy', network: 'pontivy', typology: 'RFS', aidantsConnect: true, communeCode: '56178' },
];

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

export const NETWORK_COORDINATORS: Record<DemoNetworkKey, string> = {
  vannes: 'Gaëlle Le Floch',
  ploermel: 'Yannick Guého',
  lorient: 'Soizic Le Bihan',
  pontivy: 'Ronan Jégo',
  auray: 'Maëlle Le Gall',
  questembert: 'Pierrick Danet',
  centreBretagne: 'Anne Le Roux',
};
