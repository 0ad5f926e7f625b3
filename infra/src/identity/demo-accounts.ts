/**
 * The demo département's accounts: Morbihan (56), its seven réseaux locaux d'inclusion numérique, a
 * handful of structures, and the people and systems that sign in to Relais on their behalf.
 *
 * DEVELOPMENT AND TESTS ONLY. Every password and client secret below is deterministic and public (it
 * is in the repository), so that tests, seed scripts and the docs can sign in without configuration.
 * A real instance points OIDC_ISSUER at ProConnect or Keycloak and never loads this file's accounts.
 *
 * The network and structure ids are placeholders that the directory seed reuses, so the ids in tokens
 * match rows in the directory. They are valid UUID v4 strings (version nibble 4, variant a/b) so that
 * validators that check the version accept them; the last digits number them for readability.
 */

export type Role = 'agent' | 'coordinator' | 'admin' | 'integration';

export interface DemoUser {
  username: string;
  password: string;
  displayName: string;
  structureId: string | null;
  networkIds: string[];
  department: string;
  roles: Role[];
}

export interface DemoClient {
  clientId: string;
  clientSecret: string;
  description: string;
  structureId: string | null;
  networkIds: string[];
  department: string;
  roles: Role[];
}

export interface DemoAccounts {
  users: DemoUser[];
  clients: DemoClient[];
}

export const DEMO_DEPARTMENT = '56';

/** One shared password for every demo user: a developer signs in as anyone without looking it up. */
export const DEMO_USER_PASSWORD = 'relais-demo';

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
}

export const DEMO_STRUCTURES = {
  cafVannes: {
    id: '56000000-0000-4000-b000-000000000001',
    name: 'CAF du Morbihan — accueil de Vannes',
    networkId: DEMO_NETWORKS.vannes.id,
    typology: 'CAF',
    aidantsConnect: false,
  },
  ccasVannes: {
    id: '56000000-0000-4000-b000-000000000002',
    name: 'CCAS de Vannes',
    networkId: DEMO_NETWORKS.vannes.id,
    typology: 'CCAS',
    aidantsConnect: false,
  },
  centreSocialKercado: {
    id: '56000000-0000-4000-b000-000000000003',
    name: 'Centre social de Kercado',
    networkId: DEMO_NETWORKS.vannes.id,
    typology: 'centre social',
    aidantsConnect: true,
  },
  mediathequePloermel: {
    id: '56000000-0000-4000-b000-000000000004',
    name: 'Médiathèque de Ploërmel',
    networkId: DEMO_NETWORKS.ploermel.id,
    typology: 'médiathèque',
    aidantsConnect: false,
  },
  franceServicesMauron: {
    id: '56000000-0000-4000-b000-000000000005',
    name: 'France Services de Mauron',
    networkId: DEMO_NETWORKS.ploermel.id,
    typology: 'France Services',
    aidantsConnect: true,
  },
  ccasLorient: {
    id: '56000000-0000-4000-b000-000000000006',
    name: 'CCAS de Lorient',
    networkId: DEMO_NETWORKS.lorient.id,
    typology: 'CCAS',
    aidantsConnect: false,
  },
  associationLorient: {
    id: '56000000-0000-4000-b000-000000000007',
    name: 'Association Le Lien numérique (Lorient)',
    networkId: DEMO_NETWORKS.lorient.id,
    typology: 'association',
    aidantsConnect: true,
  },
  franceServicesPontivy: {
    id: '56000000-0000-4000-b000-000000000008',
    name: 'France Services de Pontivy',
    networkId: DEMO_NETWORKS.pontivy.id,
    typology: 'France Services',
    aidantsConnect: true,
  },
} as const satisfies Record<string, DemoStructure>;

type NetworkKey = keyof typeof DEMO_NETWORKS;
type StructureKey = keyof typeof DEMO_STRUCTURES;

const allNetworkIds = (): string[] => Object.values(DEMO_NETWORKS).map((network) => network.id);

/** Usernames say the role and the place (`agent.ccas-lorient`, `coord.pontivy`) so a tester picks the right one. */
const coordinatorUsernames: Record<NetworkKey, string> = {
  vannes: 'coord.vannes',
  ploermel: 'coord.ploermel',
  lorient: 'coord.lorient',
  pontivy: 'coord.pontivy',
  auray: 'coord.auray',
  questembert: 'coord.questembert',
  centreBretagne: 'coord.centre-bretagne',
};

const coordinatorNames: Record<NetworkKey, string> = {
  vannes: 'Gaëlle Le Floch',
  ploermel: 'Yannick Guého',
  lorient: 'Soizic Le Bihan',
  pontivy: 'Ronan Jégo',
  auray: 'Maëlle Le Gall',
  questembert: 'Pierrick Danet',
  centreBretagne: 'Anne Le Roux',
};

/** Agents: two at the CAF in Vannes (colleagues must see each other's referrals), one in every other structure. */
const agents: { username: string; displayName: string; structure: StructureKey }[] = [
  { username: 'agent.caf-vannes', displayName: 'Léa Le Goff', structure: 'cafVannes' },
  { username: 'agent2.caf-vannes', displayName: 'Erwan Tanguy', structure: 'cafVannes' },
  { username: 'agent.ccas-vannes', displayName: 'Maïwenn Caradec', structure: 'ccasVannes' },
  { username: 'agent.centre-social-kercado', displayName: 'Youssef Benali', structure: 'centreSocialKercado' },
  { username: 'agent.mediatheque-ploermel', displayName: 'Nolwenn Le Corre', structure: 'mediathequePloermel' },
  { username: 'agent.france-services-mauron', displayName: 'Loïc Hervé', structure: 'franceServicesMauron' },
  { username: 'agent.ccas-lorient', displayName: 'Claire Le Pape', structure: 'ccasLorient' },
  { username: 'agent.association-lorient', displayName: 'Goulven Morvan', structure: 'associationLorient' },
  { username: 'agent.france-services-pontivy', displayName: 'Sandrine Jaffré', structure: 'franceServicesPontivy' },
];

/** Integration clients: agencies' own software, in different networks. */
const integrations: { clientId: string; description: string; structure: StructureKey }[] = [
  { clientId: 'caf-vannes-integration', description: 'Logiciel de la CAF (accueil de Vannes)', structure: 'cafVannes' },
  { clientId: 'ccas-lorient-integration', description: 'Outil de suivi du CCAS de Lorient', structure: 'ccasLorient' },
  {
    clientId: 'association-lorient-integration',
    description: 'Outil de prise de rendez-vous de l’association Le Lien numérique',
    structure: 'associationLorient',
  },
  {
    clientId: 'france-services-pontivy-integration',
    description: 'Logiciel de la France Services de Pontivy',
    structure: 'franceServicesPontivy',
  },
];

/** Deterministic, dev-only: readable in a curl command, obviously not a real secret. */
const devSecret = (clientId: string): string => `${clientId}-dev-secret`;

/** A fresh copy each call, so a caller that edits its copy (a test adding a role) changes nobody else's. */
export function demoAccounts(): DemoAccounts {
  const networkKeys = Object.keys(DEMO_NETWORKS) as NetworkKey[];

  const users: DemoUser[] = [
    {
      username: 'admin.departement',
      password: DEMO_USER_PASSWORD,
      displayName: 'Administration du Département du Morbihan',
      structureId: null,
      networkIds: allNetworkIds(),
      department: DEMO_DEPARTMENT,
      roles: ['admin'],
    },
    ...networkKeys.map(
      (key): DemoUser => ({
        username: coordinatorUsernames[key],
        password: DEMO_USER_PASSWORD,
        displayName: `${coordinatorNames[key]} (coordination ${DEMO_NETWORKS[key].name})`,
        structureId: null,
        networkIds: [DEMO_NETWORKS[key].id],
        department: DEMO_DEPARTMENT,
        roles: ['coordinator'],
      }),
    ),
    ...agents.map(({ username, displayName, structure }): DemoUser => {
      const { id, name, networkId } = DEMO_STRUCTURES[structure];
      return {
        username,
        password: DEMO_USER_PASSWORD,
        displayName: `${displayName} (${name})`,
        structureId: id,
        networkIds: [networkId],
        department: DEMO_DEPARTMENT,
        roles: ['agent'],
      };
    }),
  ];

  const clients: DemoClient[] = [
    {
      clientId: 'relais-admin',
      clientSecret: devSecret('relais-admin'),
      description: 'Scripts d’administration du Département (amorçage, exports)',
      structureId: null,
      networkIds: allNetworkIds(),
      department: DEMO_DEPARTMENT,
      roles: ['admin'],
    },
    ...networkKeys.map((key): DemoClient => {
      const clientId = `coordination-${coordinatorUsernames[key].slice('coord.'.length)}`;
      return {
        clientId,
        clientSecret: devSecret(clientId),
        description: `Tableaux de bord du réseau ${DEMO_NETWORKS[key].name}`,
        structureId: null,
        networkIds: [DEMO_NETWORKS[key].id],
        department: DEMO_DEPARTMENT,
        roles: ['coordinator'],
      };
    }),
    ...integrations.map(({ clientId, description, structure }): DemoClient => {
      const { id, networkId } = DEMO_STRUCTURES[structure];
      return {
        clientId,
        clientSecret: devSecret(clientId),
        description,
        structureId: id,
        networkIds: [networkId],
        department: DEMO_DEPARTMENT,
        roles: ['integration'],
      };
    }),
  ];

  return { users, clients };
}
