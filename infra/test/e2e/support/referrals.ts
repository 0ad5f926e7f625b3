import { passwordLogin } from '@relais/testing';
import type { DemoAccountsFile } from '../../../src';

/** A demo agent's access token, signed in with its password as the web workspace would. */
export async function agentToken(accounts: DemoAccountsFile, username: string): Promise<string> {
  const account = accounts.users.find((user) => user.username === username);
  if (!account) throw new Error(`demo user ${username} missing`);
  return (await passwordLogin(accounts.issuer, account.username, account.password)).accessToken;
}

/** The first service of the receiver's structure that takes referrals through Relais. */
export async function receivingServiceOf(origin: string, accounts: DemoAccountsFile, receiver: string): Promise<string> {
  const structureId = accounts.users.find((user) => user.username === receiver)?.structureId ?? '';
  const structure = (await (await fetch(`${origin}/api/directory/v1/structures/${structureId}`)).json()) as { services?: Array<{ id: string }> };
  for (const { id } of structure.services ?? []) {
    const service = (await (await fetch(`${origin}/api/directory/v1/services/${id}`)).json()) as { acceptsRelaisReferrals?: boolean };
    if (service.acceptsRelaisReferrals) return id;
  }
  throw new Error(`no service of ${receiver}'s structure takes referrals`);
}

/** POST /api/referral/v1/referrals through the gateway, as a sending agent does. */
export async function sendReferral(origin: string, token: string, receivingServiceId: string, lastName: string): Promise<{ status: number; id: string | undefined }> {
  const response = await fetch(`${origin}/api/referral/v1/referrals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      receivingServiceId,
      person: { firstName: 'Anne', lastName, phone: '+33612345678', contactPreference: 'phone' },
      reason: `Démarche en ligne (${lastName})`,
      needs: ['numerique--acceder-a-des-services-en-ligne'],
      urgency: 'normal',
      consent: { scope: ['contact', 'reason'], method: 'oral', obtainedAt: new Date(Date.now() - 60_000).toISOString() },
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: string };
  return { status: response.status, id: body.id };
}
