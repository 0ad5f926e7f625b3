import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { clientCredentialsToken, passwordLogin } from '@relais/testing';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';

/**
 * The person's own messages (issue 12), end to end: the referral service holds the address and decides
 * (consent `contact`, preference email or sms) when the notification service asks with its `notifier`
 * client; the mail goes through the platform's real SMTP server. A person who chose `none` gets nothing;
 * no structure's account can ask where a person is to be told; erasure leaves no address nor body.
 */
describe('messages to the person, as npm start runs them', () => {
  let platform: LocalPlatform;
  let sender = '';
  let receiver = '';
  let receivingServiceId = '';
  const run = randomUUID().slice(0, 8);

  const call = async (token: string | null, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${platform.origin}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  const login = async (username: string): Promise<string> => {
    const account = platform.accounts.users.find((u) => u.username === username);
    if (!account) throw new Error(`demo user ${username} missing`);
    return (await passwordLogin(platform.accounts.issuer, account.username, account.password)).accessToken;
  };

  interface Mail {
    subject: string;
    text: string;
    html: string;
    to: Array<{ address: string }>;
  }
  const mailTo = async (address: string): Promise<Mail[]> => {
    const all = (await (await fetch(`${platform.origin}/mail/api/email`)).json()) as Mail[];
    return all.filter((mail) => mail.to.some((to) => to.address.toLowerCase() === address.toLowerCase()));
  };

  /** Sends a referral for a new person, then the receiver acknowledges and accepts it; resolves with its id. */
  const referAndAccept = async (person: Record<string, unknown>, scope: string[]): Promise<string> => {
    const sent = await call(sender, 'POST', '/api/referral/v1/referrals', {
      receivingServiceId,
      person,
      reason: 'Motif confidentiel NTC-REASON-7731',
      needs: ['numerique--acceder-a-des-services-en-ligne'],
      urgency: 'normal',
      consent: { scope, method: 'oral', obtainedAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(sent.status).toBe(201);
    const id = String(sent.body['id']);
    expect((await call(receiver, 'POST', `/api/referral/v1/referrals/${id}/transitions`, { status: 'received' })).status).toBe(200);
    expect((await call(receiver, 'POST', `/api/referral/v1/referrals/${id}/transitions`, { status: 'accepted' })).status).toBe(200);
    return id;
  };

  /** The deliveries of a referral once the sender's mail about the acceptance has left. */
  const settledDeliveries = async (id: string): Promise<Array<{ recipient: string; channel: string; template: string; status: string }>> => {
    let list: Array<{ recipient: string; channel: string; template: string; status: string; cause: string }> = [];
    await waitFor(async () => {
      list = (await call(sender, 'GET', `/api/notification/v1/deliveries?referralId=${id}`)).body as unknown as typeof list;
      return Array.isArray(list) && list.some((d) => d.recipient === 'sender' && d.cause.endsWith('.accepted.v1') && d.status === 'sent');
    }, `the sender was told of the acceptance of ${id}`);
    return list;
  };

  beforeAll(async () => {
    platform = await startLocalPlatform('person-notices');
    sender = await login('agent.caf-vannes');
    receiver = await login('agent.association-lorient');
    const receiving = platform.accounts.users.find((u) => u.username === 'agent.association-lorient');
    const structure = (await (await fetch(`${platform.origin}/api/directory/v1/structures/${receiving?.structureId ?? ''}`)).json()) as { services: Array<{ id: string }> };
    for (const { id } of structure.services) {
      const service = (await (await fetch(`${platform.origin}/api/directory/v1/services/${id}`)).json()) as { acceptsRelaisReferrals: boolean };
      if (service.acceptsRelaisReferrals) receivingServiceId ||= id;
    }
    expect(receivingServiceId).not.toBe('');
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('tells a person who chose email and consented to contact exactly once, on acceptance, with nothing of the reason', async () => {
    const email = `camille.${run}@personnes.example`;
    const id = await referAndAccept({ firstName: 'Camille', lastName: `Notice-${run}`, email, contactPreference: 'email' }, ['contact']);
    const mails = await waitFor(async () => (await mailTo(email)).length > 0, 'the person’s mail arrived').then(() => mailTo(email));
    const deliveries = await settledDeliveries(id);
    expect(deliveries.filter((d) => d.recipient === 'person').map((d) => `${d.channel}:${d.template}:${d.status}`)).toEqual(['email:person-accepted:sent']);
    // Nothing more comes for the earlier moves (requested, received), nor twice for this one.
    expect(await mailTo(email)).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.subject).toMatch(/va vous contacter$/);
    expect(mail?.text).toContain('par courriel');
    for (const part of [mail?.text ?? '', mail?.html ?? '']) {
      expect(part).not.toContain('NTC-REASON-7731');
      expect(part).not.toContain('services en ligne');
      expect(part).not.toContain('/orientations/');
    }
  });

  it('tells nothing to a person who chose none, nor to one who chose email without consenting to contact', async () => {
    const none = `dominique.${run}@personnes.example`;
    const noneId = await referAndAccept({ firstName: 'Dominique', lastName: `Aucun-${run}`, email: none, contactPreference: 'none' }, ['contact']);
    const noConsent = `sacha.${run}@personnes.example`;
    const noConsentId = await referAndAccept({ firstName: 'Sacha', lastName: `Sans-${run}`, email: noConsent, contactPreference: 'email' }, ['reason']);
    for (const id of [noneId, noConsentId]) {
      expect((await settledDeliveries(id)).filter((d) => d.recipient === 'person')).toEqual([]);
    }
    expect(await mailTo(none)).toEqual([]);
    expect(await mailTo(noConsent)).toEqual([]);
  });

  it('answers where to tell a person only to the notification service’s own client', async () => {
    const email = `alix.${run}@personnes.example`;
    const sent = await call(sender, 'POST', '/api/referral/v1/referrals', {
      receivingServiceId,
      person: { firstName: 'Alix', lastName: `Acces-${run}`, email, contactPreference: 'email' },
      reason: 'Suite',
      needs: ['numerique--acceder-a-des-services-en-ligne'],
      urgency: 'normal',
      consent: { scope: ['contact'], method: 'oral', obtainedAt: new Date(Date.now() - 60_000).toISOString() },
    });
    const path = `/api/referral/internal/v1/referrals/${String(sent.body['id'])}/notice-contact`;
    const integration = platform.accounts.clients.find((c) => c.roles.includes('integration'));
    const admin = platform.accounts.clients.find((c) => c.roles.includes('admin'));
    const notifier = platform.accounts.clients.find((c) => c.roles.includes('notifier'));
    if (!integration || !admin || !notifier) throw new Error('demo clients missing');
    // The sender, the receiver, software, the admin: none of them may (403); anonymous: 401.
    for (const token of [sender, receiver, await clientCredentialsToken(platform.accounts.tokenEndpoint, integration.clientId, integration.clientSecret), await clientCredentialsToken(platform.accounts.tokenEndpoint, admin.clientId, admin.clientSecret)]) {
      expect((await call(token, 'GET', path)).status).toBe(403);
    }
    expect((await call(null, 'GET', path)).status).toBe(401);
    const notifierToken = await clientCredentialsToken(platform.accounts.tokenEndpoint, notifier.clientId, notifier.clientSecret);
    expect(await call(notifierToken, 'GET', path)).toEqual({ status: 200, body: { channel: 'email', address: email } });
    expect((await call(notifierToken, 'GET', `/api/referral/internal/v1/referrals/${randomUUID()}/notice-contact`)).status).toBe(404);
    // Each address handed out is a line of the audit log.
    const db = new Client({ connectionString: platform.adminDatabaseUrl('referral') });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT actor_client_id, fields FROM audit_log WHERE referral_id = $1 AND action = 'read'`, [String(sent.body['id'])]);
      expect(rows).toContainEqual({ actor_client_id: notifier.clientId, fields: ['person.email'] });
    } finally {
      await db.end();
    }
  });

  it('keeps no address nor body of the person’s message once the person is erased', async () => {
    const email = `morgan.${run}@personnes.example`;
    const id = await referAndAccept({ firstName: 'Morgan', lastName: `Efface-${run}`, email, contactPreference: 'email' }, ['contact']);
    await waitFor(async () => (await mailTo(email)).length === 1, 'the person’s mail arrived');
    const person = (await call(sender, 'GET', `/api/referral/v1/referrals/${id}`)).body['person'] as { reference: string };
    expect((await call(sender, 'DELETE', `/api/referral/v1/persons/${person.reference}`)).status).toBe(200);
    const db = new Client({ connectionString: platform.adminDatabaseUrl('notification') });
    await db.connect();
    try {
      await waitFor(async () => {
        const { rows } = await db.query(`SELECT 1 FROM notification_referral WHERE referral_id = $1 AND person_digest IS NULL`, [id]);
        return rows.length === 1;
      }, 'notification applied the erasure');
      const { rows } = await db.query(`SELECT address, subject, body_text, body_html, sms_text FROM notification_message WHERE referral_id = $1 AND recipient_kind = 'person'`, [id]);
      expect(rows).toEqual([{ address: null, subject: null, body_text: null, body_html: null, sms_text: null }]);
      const { rows: anywhere } = await db.query(`SELECT count(*)::int AS n FROM notification_message WHERE address ILIKE $1 OR body_text ILIKE $2`, [`%${email}%`, `%Efface-${run}%`]);
      expect(anywhere).toEqual([{ n: 0 }]);
    } finally {
      await db.end();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
