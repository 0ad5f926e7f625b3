import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { clientCredentialsToken, passwordLogin } from '@relais/testing';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';

/**
 * Issue 9's access matrix, end to end: the whole platform as `npm start` runs it, real tokens from the
 * identity provider, and for every path that takes a person's reference, what each kind of account gets.
 * The attack it closes: a valid account of another structure that knows (or guesses) a reference.
 */

type Actor = 'registering' | 'integration' | 'receiving' | 'sameNetwork' | 'otherNetwork' | 'coordVannes' | 'coordLorient' | 'coordPontivy' | 'admin' | 'anonymous';

const accountOf: Record<Exclude<Actor, 'anonymous'>, { user?: string; client?: string }> = {
  registering: { user: 'agent.caf-vannes' },
  integration: { client: 'caf-vannes-integration' },
  receiving: { user: 'agent.association-lorient' },
  sameNetwork: { user: 'agent.ccas-vannes' },
  otherNetwork: { user: 'agent.france-services-pontivy' },
  coordVannes: { user: 'coord.vannes' },
  coordLorient: { user: 'coord.lorient' },
  coordPontivy: { user: 'coord.pontivy' },
  admin: { user: 'admin.departement' },
};

const jeanne = { firstName: 'Zoélie', lastName: 'Kervadec-Mouster', phone: '+33699887766', email: 'zoelie.kervadec@example.net' };
const reason = 'Dossier APL bloqué, référence ZKM-REASON-4410';
const needles = [jeanne.firstName, jeanne.lastName, jeanne.phone, '699887766', jeanne.email, 'zoelie', 'ZKM-REASON-4410', 'ZKM-COMMENT-2207'];

describe('a person’s reference, across the five services, for every kind of account', () => {
  let platform: LocalPlatform;
  let tokens: Record<Actor, string | null>;
  let webhookServer: Server;
  const webhookBodies: string[] = [];
  let person = '';
  let assessmentId = '';
  let referralId = '';
  let receivingServiceId = '';

  const call = async (actor: Actor, method: string, path: string, body?: unknown) => {
    const token = tokens[actor];
    const response = await fetch(`${platform.origin}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  beforeAll(async () => {
    platform = await startLocalPlatform('person-access');
    const entries = await Promise.all(
      (Object.keys(accountOf) as Array<Exclude<Actor, 'anonymous'>>).map(async (actor) => {
        const { user, client } = accountOf[actor];
        if (client) {
          const account = platform.accounts.clients.find((c) => c.clientId === client);
          if (!account) throw new Error(`demo client ${client} missing`);
          return [actor, await clientCredentialsToken(platform.accounts.tokenEndpoint, account.clientId, account.clientSecret)] as const;
        }
        const account = platform.accounts.users.find((u) => u.username === user);
        if (!account) throw new Error(`demo user ${user} missing`);
        return [actor, (await passwordLogin(platform.accounts.issuer, account.username, account.password)).accessToken] as const;
      }),
    );
    tokens = { ...Object.fromEntries(entries), anonymous: null } as Record<Actor, string | null>;

    // The receiving structure's own software listens for webhooks (plain http to loopback: development mode).
    webhookServer = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        webhookBodies.push(text);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhookServer.listen(0, '127.0.0.1', resolve));
    const address = webhookServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const associationIntegration = platform.accounts.clients.find((c) => c.clientId === 'association-lorient-integration');
    if (!associationIntegration) throw new Error('demo client association-lorient-integration missing');
    const integrationToken = await clientCredentialsToken(platform.accounts.tokenEndpoint, associationIntegration.clientId, associationIntegration.clientSecret);
    const subscribed = await fetch(`${platform.origin}/api/notification/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${integrationToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/relais` }),
    });
    expect(subscribed.status).toBe(201);

    // The receiving side: a service of the Lorient association that takes referrals through Relais.
    const receiving = platform.accounts.users.find((u) => u.username === accountOf.receiving.user);
    const structure = (await (await fetch(`${platform.origin}/api/directory/v1/structures/${receiving?.structureId ?? ''}`)).json()) as {
      services: Array<{ id: string }>;
    };
    for (const { id } of structure.services) {
      const service = (await (await fetch(`${platform.origin}/api/directory/v1/services/${id}`)).json()) as { acceptsRelaisReferrals: boolean };
      if (service.acceptsRelaisReferrals) receivingServiceId ||= id;
    }
    expect(receivingServiceId).not.toBe('');

    // 1. The CAF runs a diagnostic for someone not yet known: the diagnostic issues the reference.
    const assessed = await call('registering', 'POST', '/api/diagnostic/v1/assessments', {
      communeCode: '56260',
      consent: { given: true, method: 'oral' },
      answers: answersOfSomeoneWithoutComputer(),
    });
    expect(assessed.status).toBe(201);
    person = String(assessed.body['personRef']);
    assessmentId = String(assessed.body['assessmentId']);
    expect(person).toMatch(/^p-[a-z2-7]{26}$/);
    // The person lives in Vannes: the assessment belongs to the Vannes network, whose coordinator follows it.
    const vannesNetwork = platform.accounts.users.find((u) => u.username === accountOf.coordVannes.user)?.networkIds ?? [];
    expect([assessed.body['networkId']]).toEqual(vannesNetwork);

    // 2. It refers the person to the association with the diagnostic (the referral service learns of the
    //    assessment, and of the CAF's link to the person, from the diagnostic's event).
    const sent = await call('registering', 'POST', '/api/referral/v1/referrals', {
      receivingServiceId,
      person: { reference: person, ...jeanne, contactPreference: 'sms' },
      reason,
      needs: ['numerique--acceder-a-des-services-en-ligne'],
      urgency: 'normal',
      assessmentId,
      consent: { scope: ['contact', 'reason', 'assessment'], method: 'oral', obtainedAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(sent.status).toBe(201);
    referralId = String(sent.body['id']);
    expect((await call('receiving', 'POST', `/api/referral/v1/referrals/${referralId}/transitions`, { status: 'received', comment: 'Appelée, ZKM-COMMENT-2207' })).status).toBe(200);
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
    await new Promise((resolve) => webhookServer?.close(resolve));
  });

  /** Every path that takes the reference, with what each account must get. */
  const matrix: Array<{ path: string; method: string; body?: () => unknown; expect: Record<Actor, number | number[]> }> = [
    {
      path: 'GET /api/referral/v1/persons/{person}',
      method: 'GET',
      expect: { registering: 200, integration: 200, receiving: 200, sameNetwork: 404, otherNetwork: 404, coordVannes: 403, coordLorient: 403, coordPontivy: 403, admin: 403, anonymous: 401 },
    },
    {
      path: 'GET /api/referral/v1/journeys/{person}',
      method: 'GET',
      expect: { registering: 200, integration: 200, receiving: 200, sameNetwork: 404, otherNetwork: 404, coordVannes: 200, coordLorient: 200, coordPontivy: 404, admin: 200, anonymous: 401 },
    },
    {
      path: 'GET /api/referral/v1/referrals/{referral}',
      method: 'GET',
      expect: { registering: 200, integration: 200, receiving: 200, sameNetwork: 404, otherNetwork: 404, coordVannes: 200, coordLorient: 200, coordPontivy: 404, admin: 200, anonymous: 401 },
    },
    {
      path: 'POST /api/referral/v1/referrals (person.reference)',
      method: 'POST',
      body: () => ({
        receivingServiceId,
        person: { reference: person },
        reason: 'Suite',
        needs: ['numerique--maitriser-les-fondamentaux-du-numerique'],
        urgency: 'normal',
        consent: { scope: ['contact'], method: 'oral', obtainedAt: new Date(Date.now() - 60_000).toISOString() },
      }),
      expect: { registering: 201, integration: 201, receiving: 201, sameNetwork: 404, otherNetwork: 404, coordVannes: 403, coordLorient: 403, coordPontivy: 403, admin: 403, anonymous: 401 },
    },
    {
      path: 'GET /api/diagnostic/v1/assessments/{assessment}',
      method: 'GET',
      expect: { registering: 200, integration: 200, receiving: 200, sameNetwork: 404, otherNetwork: 404, coordVannes: 200, coordLorient: 404, coordPontivy: 404, admin: 200, anonymous: 401 },
    },
    {
      path: 'GET /api/diagnostic/v1/persons/{person}/assessments',
      method: 'GET',
      // A history asked for by reference is personal data: pseudonymous readers (coordinators, admin) get 404 too.
      expect: { registering: 200, integration: 200, receiving: 200, sameNetwork: 404, otherNetwork: 404, coordVannes: 404, coordLorient: 404, coordPontivy: 404, admin: 404, anonymous: 401 },
    },
    {
      path: 'POST /api/diagnostic/v1/assessments (personRef)',
      method: 'POST',
      body: () => ({ personRef: person, communeCode: '56260', consent: { given: true, method: 'oral' }, answers: answersOfSomeoneWithoutComputer() }),
      expect: { registering: 201, integration: 201, receiving: 201, sameNetwork: 404, otherNetwork: 404, coordVannes: 403, coordLorient: 403, coordPontivy: 403, admin: 403, anonymous: 401 },
    },
  ];

  it.each(matrix.map((row) => [row.path, row] as const))('%s', async (_name, row) => {
    const seen: Record<string, number> = {};
    for (const actor of Object.keys(row.expect) as Actor[]) {
      const path = row.path
        .replace(/^\w+ /, '')
        .replace(/ \(.*\)$/, '')
        .replace('{person}', person)
        .replace('{referral}', referralId)
        .replace('{assessment}', assessmentId);
      seen[actor] = (await call(actor, row.method, path, row.body?.())).status;
    }
    // Where either answer is right (a list that is empty or a 404), the seen status is checked against both.
    const expected = Object.fromEntries(
      Object.entries(row.expect).map(([actor, status]) => [actor, Array.isArray(status) && status.includes(seen[actor] ?? 0) ? seen[actor] : status]),
    );
    expect(seen).toEqual(expected);
  });

  it('never shows a structure that is not linked anything of the person, wherever it looks', async () => {
    for (const actor of ['sameNetwork', 'otherNetwork'] as const) {
      const list = await call(actor, 'GET', `/api/diagnostic/v1/persons/${person}/assessments`);
      expect(JSON.stringify(list.body)).not.toContain(assessmentId);
      const inbox = await call(actor, 'GET', '/api/referral/v1/referrals?box=received');
      expect(JSON.stringify(inbox.body)).not.toContain(person);
    }
  });

  it('lets only a linked structure or the DPO erase, and then nothing of the person is readable in any service', async () => {
    for (const actor of ['sameNetwork', 'otherNetwork', 'coordVannes', 'coordLorient'] as const) {
      expect([actor, (await call(actor, 'DELETE', `/api/referral/v1/persons/${person}`)).status]).toEqual([actor, actor.startsWith('coord') ? 403 : 404]);
    }
    expect((await call('anonymous', 'DELETE', `/api/referral/v1/persons/${person}`)).status).toBe(401);
    // Something reached the receiver's software before the erasure, so there is something to erase there.
    expect(webhookBodies.some((body) => body.includes(person))).toBe(true);

    const erased = await call('receiving', 'DELETE', `/api/referral/v1/persons/${person}`);
    expect(erased.status).toBe(200);
    expect((await call('registering', 'GET', `/api/referral/v1/persons/${person}`)).status).toBe(404);
    await waitFor(async () => (await call('registering', 'GET', `/api/diagnostic/v1/assessments/${assessmentId}`)).status === 404, 'the diagnostic erased the assessment');

    // Every database: no direct identifier anywhere; the reference itself only where counts need the
    // pseudonymous row (referral), in the append-only audit logs (who read what must stay provable to the DPO;
    // the reference leads nowhere once the links are gone), and in the messaging tables' delivered rows.
    const keptTables = ['messaging_outbox', 'messaging_inbox', 'audit_log'];
    const leftovers: string[] = [];
    for (const service of ['directory', 'diagnostic', 'referral', 'notification', 'reporting']) {
      let left: string[] = [];
      await waitFor(async () => {
        left = await scanDatabase(platform.adminDatabaseUrl(service), [person], keptTables);
        return left.length === 0 || service === 'referral';
      }, () => `${service} forgot the reference (still in ${left.join(', ')})`);
      leftovers.push(...(await scanDatabase(platform.adminDatabaseUrl(service), needles)).map((hit) => `${service}: ${hit}`));
      if (service !== 'referral') leftovers.push(...(await scanDatabase(platform.adminDatabaseUrl(service), [person], keptTables)).map((hit) => `${service}: ${hit}`));
    }
    expect(leftovers).toEqual([]);
    // Every service's log.
    for (const file of readdirSync(platform.logDir)) {
      const text = readFileSync(join(platform.logDir, file), 'utf8').toLowerCase();
      expect([file, needles.filter((needle) => text.includes(needle.toLowerCase()))]).toEqual([file, []]);
    }
  });
});

async function waitFor(check: () => Promise<boolean>, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every column of every table of one database, searched for the needles (case-insensitive). */
async function scanDatabase(url: string, needles: string[], skipTables: string[] = []): Promise<string[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows: tables } = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const hits: string[] = [];
    for (const { table_name: table } of tables) {
      if (skipTables.includes(table)) continue;
      const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM "${table}"`);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null || value === undefined) continue;
          const text = (Buffer.isBuffer(value) ? value.toString('latin1') : typeof value === 'string' ? value : JSON.stringify(value)).toLowerCase();
          for (const needle of needles) if (text.includes(needle.toLowerCase())) hits.push(`${table}.${column}: ${needle}`);
        }
      }
    }
    return hits;
  } finally {
    await db.end();
  }
}

/** A complete answer set of questionnaire v1: someone with a smartphone but no computer, afraid of mistakes. */
function answersOfSomeoneWithoutComputer(): Record<string, unknown> {
  return {
    smartphone: 'oui-internet',
    ordinateur: 'non',
    'imprimante-scanner': 'non',
    'connexion-domicile': 'box',
    'usage-appareil': 'seul',
    courriel: 'oui-seul',
    'formulaire-en-ligne': 'avec-aide',
    'piece-jointe': 'avec-aide',
    identifiants: 'seul',
    'vocabulaire-administratif': 'oui',
    'francais-oral': 'oui',
    'lecture-ecriture': 'facile',
    'autres-langues': ['aucune'],
    'besoins-accessibilite': ['aucun'],
    'peur-erreur': 'souvent',
    'envie-apprendre': 'oui',
    deplacement: 'facile',
    'tranche-age': '60-74',
    'demarches-a-faire': [],
  };
}
