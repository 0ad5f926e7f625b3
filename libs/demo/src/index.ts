export { DEMO_COORDINATORS, DEMO_DEPARTMENT, DEMO_NETWORKS, DEMO_STRUCTURES, type DemoNetwork, type DemoStructure, type StructureTypology } from './demo-places';
export { DEMO_USER_PASSWORD, demoAccounts, NOTIFICATION_CLIENT_ID, type DemoAccounts, type DemoClient, type DemoUser, type Role } from './demo-accounts';
export { DEFAULT_WEB_REDIRECT_URIS, localInstance, RELAIS_API_SCOPE, WEB_CLIENT_ID } from './local-instance';
