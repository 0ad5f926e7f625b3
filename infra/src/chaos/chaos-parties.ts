import { RELAIS_API_SCOPE } from '@relais/demo';
import { Client } from 'pg';
import type { DemoAccountsFile } from '../demo-accounts-file';
import type { Party } from './chaos-load';

/**
 * The structures the fault suite's load acts for: every demo integration client (agencies' software,
 * client credentials) whose structure offers a service that takes referrals, with that service's id as the
 * referral service's copy of the directory knows it.
 */
export async function chaosParties(accounts: DemoAccountsFile, referralDatabaseUrl: string): Promise<Party[]> {
  const db = new Client({ connectionString: referralDatabaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  try {
    const parties: Party[] = [];
    for (const client of accounts.clients.filter((c) => c.roles.includes('integration') && c.structureId)) {
      const service = await db.query<{ service_id: string }>(
        'SELECT service_id FROM directory_services WHERE structure_id = $1 AND NOT deleted AND accepts_relais_referrals ORDER BY service_id LIMIT 1',
        [client.structureId],
      );
      const serviceId = service.rows[0]?.service_id;
      if (!serviceId) continue;
      const party: Party = {
        structureId: client.structureId ?? '',
        serviceId,
        token: '',
        renew: async () => {
          party.token = await clientCredentials(accounts.tokenEndpoint, client.clientId, client.clientSecret);
        },
      };
      await party.renew();
      parties.push(party);
    }
    return parties;
  } finally {
    await db.end();
  }
}

/** RFC 6749 client credentials (id and secret form-encoded into the Basic header, §2.3.1). */
async function clientCredentials(tokenEndpoint: string, clientId: string, clientSecret: string): Promise<string> {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: RELAIS_API_SCOPE }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { access_token?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') throw new Error(`client_credentials for ${clientId} refused (${response.status})`);
  return body.access_token;
}
