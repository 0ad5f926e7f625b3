import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { InstanceConfig } from '../instance-config';

/**
 * The signed-in agent, as the ID token describes them: the identity provider puts Relais's claims
 * (structure, networks, roles) in the ID token so the workspace shapes its menus without a round trip.
 * The API decides access from the access token, never from these.
 */
export interface Agent {
  subject: string;
  name: string;
  structureId: string | null;
  networkIds: string[];
  roles: string[];
}

export interface SignInState {
  /** Where to come back after signing in (path + query). */
  returnTo: string;
}

let manager: UserManager | null = null;

export function createSession(config: InstanceConfig): UserManager {
  const origin = window.location.origin;
  manager = new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${origin}/`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: 'openid profile',
    // Renewed with the refresh token before the access token expires; sessionStorage: closed tab, signed out.
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    loadUserInfo: false,
  });
  return manager;
}

export function session(): UserManager {
  if (!manager) throw new Error('session not created');
  return manager;
}

export function agentOf(user: User): Agent {
  const profile = user.profile as Record<string, unknown>;
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return {
    subject: user.profile.sub,
    name: typeof profile['name'] === 'string' ? profile['name'] : user.profile.sub,
    structureId: typeof profile['structure_id'] === 'string' ? profile['structure_id'] : null,
    networkIds: strings(profile['network_ids']),
    roles: strings(profile['roles']),
  };
}

/** Is this page load the identity provider sending the browser back with a code? */
export function isSignInCallback(): boolean {
  const params = new URLSearchParams(window.location.search);
  return params.has('state') && (params.has('code') || params.has('error'));
}

export async function signIn(returnTo = currentPath()): Promise<void> {
  await session().signinRedirect({ state: { returnTo } satisfies SignInState });
}

export async function signOut(): Promise<void> {
  await session().signoutRedirect();
}

/** The access token, renewed first when it has expired (refresh token); null when the session is over. */
export async function accessToken(): Promise<string | null> {
  const user = await session().getUser();
  if (user && !user.expired) return user.access_token;
  if (user?.refresh_token) {
    try {
      const renewed = await session().signinSilent();
      return renewed?.access_token ?? null;
    } catch {
      return null;
    }
  }
  return null;
}

export const currentPath = (): string => `${window.location.pathname}${window.location.search}${window.location.hash}`;
