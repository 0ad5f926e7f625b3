import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually, passwordLogin } from '@relais/testing';
import { stateSubdir, type DemoAccountsFile } from '../../src';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';

/*
 * The coordinators' dashboards (issue 14) in a real browser against `npm start`, on referrals driven through
 * their lifecycle by the API: a coordinator of Lorient and one of Vannes each see their own network's figures
 * and get « introuvable » on the other's; an agent sees its own structure only. Every page is checked with axe
 * (no serious or critical violation), must request nothing outside the origin, and is photographed at desktop
 * and mobile widths (docs/reporting.md shows the main ones, copied into docs/reporting/).
 */
const CHROMIUM = process.env['RELAIS_CHROMIUM'] ?? '/usr/bin/chromium';
const screenshots = stateSubdir('test-output', 'web-dashboards');
const widths = { bureau: 1280, mobile: 320 } as const;
const LORIENT = '56000000-0000-4000-a000-000000000003';
const VANNES = '56000000-0000-4000-a000-000000000001';

describe('coordinators’ dashboards (issue 14)', () => {
  let platform: Pick<LocalPlatform, 'origin' | 'accounts' | 'stop'>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const accessibility: string[] = [];
  const external: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} absent : npm test installe le paquet Debian chromium (apt-get install -y chromium)`);
    mkdirSync(screenshots, { recursive: true });
    const origin = process.env['RELAIS_WEB_E2E_ORIGIN'];
    const accountsFile = process.env['RELAIS_WEB_E2E_ACCOUNTS'];
    platform =
      origin && accountsFile
        ? { origin, accounts: JSON.parse(readFileSync(accountsFile, 'utf8')) as DemoAccountsFile, stop: () => Promise.resolve() }
        : await startLocalPlatform('dashboards');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader'] });
  }, 480_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
  });

  const tokenOf = async (username: string): Promise<string> => {
    const account = platform.accounts.users.find((u) => u.username === username);
    if (!account) throw new Error(`demo user ${username} missing`);
    return (await passwordLogin(platform.accounts.issuer, account.username, account.password)).accessToken;
  };
  const call = async (token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${platform.origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const receivingServiceOf = async (username: string): Promise<string> => {
    const structureId = platform.accounts.users.find((u) => u.username === username)?.structureId ?? '';
    const structure = (await (await fetch(`${platform.origin}/api/directory/v1/structures/${structureId}`)).json()) as { services: Array<{ id: string }> };
    for (const { id } of structure.services) {
      const service = (await (await fetch(`${platform.origin}/api/directory/v1/services/${id}`)).json()) as { acceptsRelaisReferrals: boolean };
      if (service.acceptsRelaisReferrals) return id;
    }
    throw new Error(`${username}: no service receives Relais referrals`);
  };

  /** Referrals from the CAF of Vannes to one structure, each moved along `path` by the receiving agent. */
  async function drive(receiverUsername: string, paths: Array<Array<{ status: string; reasonCode?: string; outcome?: { autonomyGained: string } }>>): Promise<void> {
    const sender = await tokenOf('agent.caf-vannes');
    const receiver = await tokenOf(receiverUsername);
    const receivingServiceId = await receivingServiceOf(receiverUsername);
    for (const [index, moves] of paths.entries()) {
      const sent = await call(sender, 'POST', '/api/referral/v1/referrals', {
        receivingServiceId,
        person: { firstName: 'Personne', lastName: `Essai ${receiverUsername} ${index}`, phone: '+33612345678', contactPreference: 'phone' },
        reason: 'Accompagnement aux démarches en ligne',
        needs: ['numerique--acceder-a-des-services-en-ligne'],
        urgency: 'normal',
        consent: { scope: ['contact', 'reason'], method: 'oral', obtainedAt: new Date(Date.now() - 60_000).toISOString() },
      });
      expect(sent.status).toBe(201);
      for (const move of moves) expect((await call(receiver, 'POST', `/api/referral/v1/referrals/${String(sent.body['id'])}/transitions`, move)).status).toBe(200);
    }
  }

  async function signedIn(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: widths.bureau, height: 900 }, locale: 'fr-FR', timezoneId: 'Europe/Paris', acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(platform.origin) && !url.startsWith('data:') && !url.startsWith('blob:')) external.push(url);
    });
    page.on('pageerror', (error) => pageErrors.push(`${username}: ${error.message}`));
    await page.goto(`${platform.origin}/`);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(platform.accounts.users.find((user) => user.username === username)?.password ?? '');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Aujourd’hui' }).waitFor();
    return page;
  }

  /** axe on the page as it is, then a full-page screenshot at both widths, with no sideways scroll at 320 px. */
  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    for (const violation of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
      accessibility.push(`${name}: ${violation.id} (${violation.impact}) — ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(', ')}`);
    }
    for (const [label, width] of Object.entries(widths)) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(screenshots, `${name}-${label}.png`), fullPage: true });
      if (width === widths.mobile) {
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
        if (overflow > 1) accessibility.push(`${name}: ${overflow} px de défilement horizontal à 320 px`);
      }
    }
    await page.setViewportSize({ width: widths.bureau, height: 900 });
  }

  /** The figure of one row of a table (its caption given), as shown. */
  const cell = (page: Page, caption: string, row: string, column: number) =>
    page.locator('table', { has: page.locator('caption', { hasText: caption }) }).locator('tbody tr', { has: page.locator('th', { hasText: row }) }).locator('td').nth(column);

  it('shows each coordinator its own network’s figures, and an agent its own structure’s', async () => {
    const accepted = [{ status: 'received' }, { status: 'accepted' }];
    const completed = [...accepted, { status: 'in-progress' }, { status: 'completed', outcome: { autonomyGained: 'partiel' } }];
    // Lorient: 8 sent, 6 accepted, 2 refused, 5 completed, 1 failed. Vannes: 6 sent, all acknowledged, 5 accepted.
    await drive('agent.association-lorient', [
      ...Array.from({ length: 5 }, () => completed),
      [...accepted, { status: 'in-progress' }, { status: 'failed', reasonCode: 'abandon' }],
      [{ status: 'received' }, { status: 'rejected', reasonCode: 'hors-perimetre' }],
      [{ status: 'received' }, { status: 'rejected', reasonCode: 'plus-de-capacite' }],
    ]);
    await drive('agent.centre-social-kercado', [...Array.from({ length: 5 }, () => accepted), [{ status: 'received' }]]);
    const lorientToken = await tokenOf('coord.lorient');
    await eventually(
      async () => {
        const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
        const now = await call(lorientToken, 'GET', `/api/reporting/v1/networks/${LORIENT}/funnel?from=${today}&to=${today}`);
        expect(now.body['stages']).toMatchObject({ requested: 8, received: 8, accepted: 6, completed: 5 });
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );

    // The coordinator of Lorient: straight to its network, this month.
    const lorient = await signedIn('coord.lorient');
    await lorient.getByRole('link', { name: 'Pilotage', exact: true }).click();
    await lorient.getByRole('heading', { level: 1, name: /Pilotage — Pays de Lorient/ }).waitFor();
    await expect(cell(lorient, 'Entonnoir', 'Envoyées', 1).innerText()).resolves.toBe('8');
    await expect(cell(lorient, 'Entonnoir', 'Clôturées', 1).innerText()).resolves.toBe('5');
    // Fewer than 5: withheld from a coordinator, said so.
    await expect(cell(lorient, 'Entonnoir', 'Refusées', 1).innerText()).resolves.toBe('< 5');
    await check(lorient, 'pilotage-vue-ensemble');

    await lorient.getByRole('link', { name: 'Structures', exact: true }).click();
    await lorient.locator('caption', { hasText: 'Structures destinataires' }).waitFor({ state: 'attached' });
    await expect(cell(lorient, 'Structures destinataires', 'Le Lien numérique', 0).innerText()).resolves.toBe('8');
    // Sortable: the header's button turns the order, and says so.
    await lorient.getByRole('button', { name: 'Structure', exact: true }).click();
    await expect(lorient.locator('th[aria-sort="ascending"]').innerText()).resolves.toContain('Structure');
    await expect(lorient.locator('th[aria-sort="descending"]').count()).resolves.toBe(0);
    const download = lorient.waitForEvent('download');
    await lorient.getByRole('button', { name: 'Télécharger « Structures destinataires » (CSV)' }).click();
    const csv = readFileSync(await (await download).path(), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\r\n')[0]).toBe('\uFEFFStructure;Reçues;Capacité sur la période;Charge;Au-delà de la capacité;Acceptées;Refusées;Taux d’acceptation;Accusé de réception, médiane (heures);Attente déclarée (jours);Taux de sortie');
    expect(csv).toMatch(/Le Lien numérique[^\r\n]*;8;/);
    await check(lorient, 'pilotage-structures');

    await lorient.getByRole('link', { name: 'Couverture', exact: true }).click();
    await lorient.locator('caption', { hasText: 'Couverture par rôle' }).waitFor({ state: 'attached' });
    await lorient.locator('.relais-coverage-map canvas').waitFor({ timeout: 30_000 });
    await check(lorient, 'pilotage-couverture');

    await lorient.getByRole('link', { name: 'Ruptures de parcours', exact: true }).click();
    await lorient.locator('caption', { hasText: 'Parcours à reprendre' }).waitFor({ state: 'attached' });
    // The failed one and the two refused, each under its pseudonymous reference, linking to the journey view.
    await eventually(async () => expect(await lorient.locator('table:has(caption:has-text("Parcours à reprendre")) tbody a[href^="/parcours/p-"]').count()).toBe(3), { timeoutMs: 15_000 });
    await expect(lorient.locator('main').innerText()).resolves.not.toContain('Essai');
    await check(lorient, 'pilotage-ruptures');

    await lorient.getByRole('link', { name: 'Diagnostics', exact: true }).click();
    await lorient.locator('caption', { hasText: 'Diagnostics par niveau' }).waitFor({ state: 'attached' });
    await check(lorient, 'pilotage-diagnostics');

    // Another network's page: « introuvable », no figure.
    await lorient.goto(`${platform.origin}/pilotage/${VANNES}`);
    await lorient.getByRole('heading', { level: 1, name: 'Réseau introuvable' }).waitFor();
    await expect(lorient.locator('main table').count()).resolves.toBe(0);
    await check(lorient, 'pilotage-introuvable');

    // The coordinator of Vannes sees Vannes's six, never Lorient's eight.
    const vannes = await signedIn('coord.vannes');
    await vannes.goto(`${platform.origin}/pilotage`);
    await vannes.getByRole('heading', { level: 1, name: /Pilotage — Pays de Vannes/ }).waitFor();
    await eventually(async () => expect(await cell(vannes, 'Entonnoir', 'Envoyées', 1).innerText()).toBe('6'), { timeoutMs: 30_000 });
    await vannes.goto(`${platform.origin}/pilotage/${LORIENT}/structures`);
    await vannes.getByRole('heading', { level: 1, name: 'Réseau introuvable' }).waitFor();

    // An agent: its own structure only, small figures included (they are its own), no territory pages.
    const agent = await signedIn('agent.association-lorient');
    await agent.getByRole('link', { name: 'Pilotage', exact: true }).click();
    await agent.getByRole('heading', { level: 1, name: /Pilotage — Pays de Lorient/ }).waitFor();
    await expect(cell(agent, 'Entonnoir', 'Refusées', 1).innerText()).resolves.toBe('2');
    await expect(agent.getByRole('link', { name: 'Couverture', exact: true }).count()).resolves.toBe(0);
    await agent.getByRole('link', { name: 'Structures', exact: true }).click();
    await agent.locator('caption', { hasText: 'Structures destinataires' }).waitFor({ state: 'attached' });
    await expect(agent.locator('table:has(caption:has-text("Structures destinataires")) tbody tr').count()).resolves.toBe(1);
    await check(agent, 'pilotage-agent-structures');

    expect(external).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(accessibility).toEqual([]);
  }, 1_200_000);
});
