/**
 * The demo département's accounts: Morbihan (56), its seven réseaux locaux d'inclusion numérique, a
 * handful of structures, and the people and systems that sign in to Relais on their behalf.
 *
 * DEVELOPMENT AND TESTS ONLY. Every password and client secret below is deterministic and public (it
 * is in the repository), so that tests, seed scripts and the docs can sign in without configuration.
 * A real instance points OIDC_ISSUER at ProConnect or Keycloak and never loads this file's accounts.
 *
 * The networks and structures are those of demo-places.ts, which the directory seed also writes, so the
 * ids in tokens match rows in the directory.
 */
import { DEMO_COORDINATORS, DEMO_DEPARTMENT, DEMO_NETWORKS, DEMO_STRUCTURES } from './demo-places';

export type Role = 'agent' | 'coordinator' | 'admin' | 'integration' | 'notifier';

/** The notification service's own client: it asks the referral service where a person wants to be told, and nothing else. */
export const NOTIFICATION_CLIENT_ID = 'relais-notification';

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

/** One shared password for every demo user: a developer signs in as anyone without looking it up. */
export const DEMO_USER_PASSWORD = 'relais-demo';

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
        displayName: `${DEMO_COORDINATORS[key]} (coordination ${DEMO_NETWORKS[key].name})`,
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
    {
      clientId: NOTIFICATION_CLIENT_ID,
      clientSecret: devSecret(NOTIFICATION_CLIENT_ID),
      description: 'Service de notification (prévenir la personne selon son consentement)',
      structureId: null,
      networkIds: [],
      department: DEMO_DEPARTMENT,
      roles: ['notifier'],
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
