/**
 * The demo département: Morbihan (56), its seven réseaux locaux d'inclusion numérique and a handful of
 * structures. One module for everyone who names them: the directory seed writes them as rows, the local
 * identity provider's demo accounts belong to them (demo-accounts.ts), tests and benchmarks refer to them.
 *
 * The ids are placeholders, valid UUID v4 strings (version nibble 4, variant a/b) so that validators that
 * check the version accept them; the last digits number them for readability.
 */

export const DEMO_DEPARTMENT = '56';

export interface DemoNetwork {
  id: string;
  /** Short name of the réseau local, as people in the département say it. */
  name: string;
}

export const DEMO_NETWORKS = {
  vannes: { id: '56000000-0000-4000-a000-000000000001', name: 'Pays de Vannes' },
  ploermel: { id: '56000000-0000-4000-a000-000000000002', name: 'Pays de Ploërmel' },
  lorient: { id: '56000000-0000-4000-a000-000000000003', name: 'Pays de Lorient' },
  pontivy: { id: '56000000-0000-4000-a000-000000000004', name: 'Pays de Pontivy' },
  auray: { id: '56000000-0000-4000-a000-000000000005', name: "Pays d'Auray" },
  questembert: { id: '56000000-0000-4000-a000-000000000006', name: 'Pays de Questembert' },
  centreBretagne: { id: '56000000-0000-4000-a000-000000000007', name: 'Centre-Bretagne' },
} as const satisfies Record<string, DemoNetwork>;

/** Who coordinates each réseau local (the demo coordinator accounts and the directory's network rows). */
export const DEMO_COORDINATORS: Record<keyof typeof DEMO_NETWORKS, string> = {
  vannes: 'Gaëlle Le Floch',
  ploermel: 'Yannick Guého',
  lorient: 'Soizic Le Bihan',
  pontivy: 'Ronan Jégo',
  auray: 'Maëlle Le Gall',
  questembert: 'Pierrick Danet',
  centreBretagne: 'Anne Le Roux',
};

export type StructureTypology =
  | 'CAF'
  | 'CCAS'
  | 'médiathèque'
  | 'France Services'
  | 'centre social'
  | 'association';

export interface DemoStructure {
  id: string;
  name: string;
  networkId: string;
  typology: StructureTypology;
  /** Holds the Aidants Connect habilitation: may act on a person's behalf (faire à la place). */
  aidantsConnect: boolean;
  /** The commune (code officiel géographique) of its main lieu. */
  communeCode: string;
}

export const DEMO_STRUCTURES = {
  cafVannes: {
    id: '56000000-0000-4000-b000-000000000001',
    name: 'CAF du Morbihan — accueil de Vannes',
    networkId: DEMO_NETWORKS.vannes.id,
    typology: 'CAF',
    aidantsConnect: false,
    communeCode: '56260',
  },
  ccasVannes: {
    id: '56000000-0000-4000-b000-000000000002',
    name: 'CCAS de Vannes',
    networkId: DEMO_NETWORKS.vannes.id,
    typology: 'CCAS',
    aidantsConnect: false,
    communeCode: '56260',
  },
  centreSocialKercado: {
    id: '56000000-0000-4000-b000-000000000003',
    name: 'Centre social de Kercado',
    networkId: DEMO_NETWORKS.vannes.id,
    typology: 'centre social',
    aidantsConnect: true,
    communeCode: '56260',
  },
  mediathequePloermel: {
    id: '56000000-0000-4000-b000-000000000004',
    name: 'Médiathèque de Ploërmel',
    networkId: DEMO_NETWORKS.ploermel.id,
    typology: 'médiathèque',
    aidantsConnect: false,
    communeCode: '56165',
  },
  franceServicesMauron: {
    id: '56000000-0000-4000-b000-000000000005',
    name: 'France Services de Mauron',
    networkId: DEMO_NETWORKS.ploermel.id,
    typology: 'France Services',
    aidantsConnect: true,
    communeCode: '56127',
  },
  ccasLorient: {
    id: '56000000-0000-4000-b000-000000000006',
    name: 'CCAS de Lorient',
    networkId: DEMO_NETWORKS.lorient.id,
    typology: 'CCAS',
    aidantsConnect: false,
    communeCode: '56121',
  },
  associationLorient: {
    id: '56000000-0000-4000-b000-000000000007',
    name: 'Association Le Lien numérique (Lorient)',
    networkId: DEMO_NETWORKS.lorient.id,
    typology: 'association',
    aidantsConnect: true,
    communeCode: '56121',
  },
  franceServicesPontivy: {
    id: '56000000-0000-4000-b000-000000000008',
    name: 'France Services de Pontivy',
    networkId: DEMO_NETWORKS.pontivy.id,
    typology: 'France Services',
    aidantsConnect: true,
    communeCode: '56178',
  },
} as const satisfies Record<string, DemoStructure>;
