import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stateSubdir, type DemoAccountsFile } from '../../src';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';

/*
 * The web workspace in a real browser (Debian's chromium, driven by playwright-core) against `npm start`:
 * two agents of two structures in two browser contexts carry one person from a diagnostic to a completed
 * referral. Every page visited is checked with axe (no serious or critical violation), must request
 * nothing outside the origin, and is photographed at desktop and mobile widths into the test output
 * folder (docs/web.md shows the main ones). Every page is also laid out at 640 px (a 1280 px screen at 200 %
 * zoom) and 320 px, where nothing may be wider than the window (RGAA 10.11). A second walk answers a
 * referral without an account, from the action link of the mail the platform's SMTP server kept, and
 * redirects it.
 */
const CHROMIUM = process.env['RELAIS_CHROMIUM'] ?? '/usr/bin/chromium';
const screenshots = stateSubdir('test-output', 'web-screenshots');
const widths = { bureau: 1280, 'zoom-200': 640, mobile: 320 } as const;

describe('web workspace (issue 13)', () => {
  let platform: Pick<LocalPlatform, 'origin' | 'accounts' | 'stateDir' | 'stop'>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const accessibility: string[] = [];
  const external: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} absent : npm test installe le paquet Debian chromium (apt-get install -y chromium)`);
    mkdirSync(screenshots, { recursive: true });
    // RELAIS_WEB_E2E_ORIGIN + RELAIS_WEB_E2E_STATE_DIR: against an `npm start` already running (while working on
    // the screens); by default, a platform of its own like every e2e suite.
    const origin = process.env['RELAIS_WEB_E2E_ORIGIN'];
    const stateDir = process.env['RELAIS_WEB_E2E_STATE_DIR'];
    platform =
      origin && stateDir
        ? { origin, stateDir, accounts: JSON.parse(readFileSync(join(stateDir, 'demo-accounts.json'), 'utf8')) as DemoAccountsFile, stop: () => Promise.resolve() }
        : await startLocalPlatform('web');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // WebGL for the map through SwiftShader: the test machines have no GPU.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader'],
    });
  }, 480_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
  });

  /** A browser of its own (no shared cookie or storage), whose every request outside the origin is recorded. */
  async function newPage(who: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: widths.bureau, height: 900 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(platform.origin) && !url.startsWith('data:') && !url.startsWith('blob:')) external.push(url);
    });
    page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
    return page;
  }

  async function signedIn(username: string): Promise<Page> {
    const page = await newPage(username);
    await page.goto(`${platform.origin}/`);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(platform.accounts.users.find((user) => user.username === username)?.password ?? '');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Aujourd’hui' }).waitFor();
    return page;
  }

  /** axe on the page as it is, then a full-page screenshot at both widths. */
  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    for (const violation of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
      accessibility.push(`${name}: ${violation.id} (${violation.impact}) — ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(', ')}`);
    }
    for (const [label, width] of Object.entries(widths)) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(screenshots, `${name}-${label}.png`), fullPage: true });
      // At 200 % zoom and at 320 px the page reflows instead of scrolling sideways (RGAA 10.11), and nothing
      // is cut: no box holds more than it shows (tables stack their cells rather than scroll).
      if (width < widths.bureau) {
        const layout = await page.evaluate<{ scrollWidth: number; innerWidth: number; cut: string[] }>(reflowProblems);
        if (layout.scrollWidth > layout.innerWidth) accessibility.push(`${name}: ${layout.scrollWidth - layout.innerWidth} px de défilement horizontal à ${width} px`);
        for (const box of layout.cut) accessibility.push(`${name}: contenu coupé à ${width} px : ${box}`);
      }
    }
    await page.setViewportSize({ width: widths.bureau, height: 900 });
  }

  it('carries a person from a diagnostic to a completed referral, seen from both structures', async () => {
    const sender = await signedIn('agent.caf-vannes');
    // The operator's brand, not the State's: no Marianne block by default (ADR 0006).
    await expect(sender.locator('header .fr-logo').count()).resolves.toBe(0);
    await expect(sender.locator('header').innerText()).resolves.toContain('Département du Morbihan');
    await check(sender, 'accueil');

    // Diagnostic: the consent is asked first; a missing answer is said, not sent.
    await sender.getByRole('link', { name: 'Diagnostic', exact: true }).click();
    await sender.getByRole('button', { name: 'Commencer' }).click();
    await expect(sender.locator('#communeCode-error').innerText()).resolves.toContain('code INSEE');
    await sender.locator('#communeCode').fill('56260');
    await sender.getByLabel('La personne accepte que ses réponses soient enregistrées pour l’orienter.').check({ force: true }); // DSFR draws the box over the input: the label takes the click, as for a user
    await check(sender, 'diagnostic-debut');
    await sender.getByRole('button', { name: 'Commencer' }).click();
    await sender.getByRole('button', { name: 'Question suivante' }).click();
    await expect(sender.getByRole('alert').first().innerText()).resolves.toContain('Choisissez une réponse');
    await check(sender, 'diagnostic-question');
    // A person who manages with help (the second answer of each question): training and accompaniment are recommended.
    const total = Number(/sur (\d+)/.exec(await sender.getByText(/^Question 1 sur \d+/).innerText())?.[1]);
    expect(total).toBeGreaterThan(10);
    for (let question = 1; question <= total; question++) {
      await sender.getByText(new RegExp(`^Question ${question} sur ${total}`)).waitFor();
      const radios = sender.locator('main fieldset input[type="radio"]');
      const legend = await sender.locator('main legend').first().innerText();
      if ((await radios.count()) > 0) await radios.nth(1).check({ force: true });
      else if (!legend.includes('démarche')) await sender.locator('main fieldset input[type="checkbox"]').first().check({ force: true });
      await sender.getByRole('button', { name: question === total ? 'Voir le résultat' : 'Question suivante' }).click();
    }
    await sender.getByRole('heading', { level: 1, name: 'Résultat du diagnostic' }).waitFor({ timeout: 30_000 });
    const personReference = (await sender.locator('main code').first().innerText()).trim();
    expect(personReference).toMatch(/^p-[a-z2-7]{26}$/);
    await expect(sender.getByRole('link', { name: /^Orienter ici/ }).first().getAttribute('href')).resolves.toMatch(/diagnostic=/);
    await check(sender, 'diagnostic-resultat');

    // Search, then "Orienter ici" on a service of the Centre social de Kercado.
    await sender.getByRole('link', { name: 'Annuaire', exact: true }).click();
    await sender.locator('#q').fill('kercado');
    await sender.getByLabel('Reçoit les orientations Relais').check({ force: true });
    await sender.getByRole('button', { name: 'Rechercher' }).click();
    await sender.getByRole('heading', { level: 2, name: /Point numérique/ }).waitFor();
    await check(sender, 'annuaire');
    await sender.getByLabel('Liste et carte').check({ force: true });
    await sender.locator('.relais-map canvas').waitFor({ timeout: 30_000 });
    await check(sender, 'annuaire-carte');
    await sender.getByRole('link', { name: /Point numérique/ }).first().click();
    await sender.getByText('Lieux et horaires').waitFor();
    await check(sender, 'service');
    await sender.getByRole('link', { name: 'Orienter ici' }).click();

    // Send: the person by the reference the diagnostic issued, the need, then the consent read to the person.
    await sender.getByLabel('Oui, j’ai sa référence Relais').check({ force: true });
    await sender.locator('#personReference').fill('p-pas-une-reference');
    await sender.getByRole('button', { name: 'Continuer' }).click();
    await expect(sender.locator('#personReference-error').innerText()).resolves.toContain('p-');
    await sender.locator('#personReference').fill(personReference);
    await check(sender, 'orienter-personne');
    await sender.getByRole('button', { name: 'Continuer' }).click();
    await sender.locator('#reason').fill('Besoin d’aide pour déclarer ses ressources trimestrielles en ligne.');
    await sender.getByRole('button', { name: 'Continuer' }).click();
    await sender.getByText('À lire à la personne').waitFor();
    await sender.getByRole('button', { name: 'Envoyer l’orientation' }).click();
    await expect(sender.locator('#consentRead-error').innerText()).resolves.toContain('Lisez ce texte');
    await sender.getByLabel('J’ai lu ce texte à la personne et elle est d’accord.').check({ force: true });
    await check(sender, 'orienter-consentement');
    await sender.getByRole('button', { name: 'Envoyer l’orientation' }).click();
    await sender.getByRole('heading', { name: 'Actions' }).waitFor({ timeout: 30_000 });
    const referralUrl = sender.url();
    const referralId = new URL(referralUrl).pathname.split('/').pop() ?? '';
    await expect(sender.getByRole('button', { name: 'Annuler l’orientation' }).count()).resolves.toBe(1);
    await check(sender, 'orientation-envoyee');

    // The receiver, in another browser context: the referral waits on its home page and in its inbox.
    const receiver = await signedIn('agent.centre-social-kercado');
    await receiver.getByRole('link', { name: /reçues à traiter/ }).waitFor();
    await check(receiver, 'accueil-destinataire');
    await receiver.getByRole('link', { name: 'Reçues', exact: true }).click();
    await receiver.locator(`a[href="/orientations/${referralId}"]`).first().waitFor();
    await check(receiver, 'recues');
    await receiver.locator(`a[href="/orientations/${referralId}"]`).first().click();
    await receiver.getByText('Besoin d’aide pour déclarer ses ressources').waitFor();
    await check(receiver, 'orientation-recue');
    for (const [action, status] of [['Accuser réception', 'Réception accusée'], ['Accepter', 'Acceptée'], ['Démarrer l’accompagnement', 'Accompagnement en cours']] as const) {
      await receiver.getByRole('button', { name: action, exact: true }).click();
      await receiver.getByRole('button', { name: `Confirmer : ${action}` }).click();
      await receiver.getByText(`l’orientation est maintenant « ${status} »`).waitFor();
    }
    await receiver.getByRole('button', { name: 'Clôturer', exact: true }).click();
    await receiver.getByRole('button', { name: 'Confirmer : Clôturer' }).click();
    await expect(receiver.locator('#move-autonomyGained-error').innerText()).resolves.toContain('autonomie');
    await receiver.getByLabel('Autonomie partielle').check({ force: true });
    await receiver.locator('#move-summary').fill('Trois séances : déclaration faite avec elle, espace CAF créé.');
    await check(receiver, 'cloturer');
    await receiver.getByRole('button', { name: 'Confirmer : Clôturer' }).click();
    await receiver.getByText('l’orientation est maintenant « Clôturée »').waitFor();

    // The sender sees the outcome, and the journey across both structures.
    await sender.goto(referralUrl);
    await sender.getByText('Résultat de l’accompagnement').waitFor();
    await expect(sender.locator('main').innerText()).resolves.toMatch(/Autonomie partielle[\s\S]*Trois séances/);
    await check(sender, 'orientation-cloturee');
    await sender.goto(`${platform.origin}/`);
    await sender.getByRole('heading', { name: 'Envoyées, qui ont avancé' }).waitFor();
    await sender.locator(`a[href="/orientations/${referralId}"]`).first().waitFor();
    await sender.goto(`${platform.origin}/parcours/${personReference}`);
    await sender.getByRole('heading', { name: 'Étapes, dans l’ordre' }).waitFor();
    await expect(sender.locator('main').innerText()).resolves.toMatch(/diagnostic numérique[\s\S]*Clôturée/);
    await check(sender, 'parcours');
    await sender.goto(`${platform.origin}/orientations/envoyees`);
    await sender.locator(`a[href="/orientations/${referralId}"]`).first().waitFor();
    await check(sender, 'envoyees');
    await sender.goto(`${platform.origin}/ma-structure`);
    await sender.getByRole('button', { name: 'Enregistrer' }).first().waitFor();
    await check(sender, 'ma-structure');

    // An agent of a third structure, with the link: the same "introuvable" as for a referral that does not exist.
    const outsider = await signedIn('agent.ccas-lorient');
    await outsider.goto(referralUrl);
    await outsider.getByText('Orientation indisponible').waitFor();
    await expect(outsider.locator('main').innerText()).resolves.not.toContain('Besoin d’aide pour déclarer');
    await outsider.goto(`${platform.origin}/parcours/${personReference}`);
    await outsider.getByText('Parcours indisponible').waitFor();

    // The move forms' reason codes come from the referral service, public like the directory's vocabularies.
    const reasons = await fetch(`${platform.origin}/api/referral/v1/reason-codes`);
    expect(reasons.status).toBe(200);
    expect(await reasons.json()).toMatchObject({ moves: expect.arrayContaining([{ status: 'rejected', required: true, codes: expect.arrayContaining(['hors-perimetre', 'autre']) }]) });

    expect(external).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(accessibility).toEqual([]);
  // Six suites sharing two cores took up to 640 s for this walk; nothing here is timed.
  }, 1_200_000);
  it('answers a referral from the mail\'s action link without an account, and redirects it', async () => {
    // Sent from the workspace to the Centre social de Kercado, for a person not known to Relais yet.
    const sender = await signedIn('agent.caf-vannes');
    await sender.goto(`${platform.origin}/annuaire?q=kercado&relais=1`);
    await sender.getByRole('link', { name: /^Orienter ici/ }).first().click();
    await sender.locator('#firstName').fill('Yann');
    await sender.locator('#lastName').fill('Le Floch');
    await sender.locator('#phone').fill('06 98 76 54 32');
    await sender.getByRole('button', { name: 'Continuer' }).click();
    await sender.locator('#need').selectOption({ label: 'Accéder à des services en ligne' });
    await sender.locator('#reason').fill('Créer son compte Ameli et y retrouver ses remboursements.');
    await sender.getByRole('button', { name: 'Continuer' }).click();
    await sender.getByLabel('J’ai lu ce texte à la personne et elle est d’accord.').check({ force: true });
    await sender.getByRole('button', { name: 'Envoyer l’orientation' }).click();
    await sender.getByRole('heading', { name: 'Actions' }).waitFor({ timeout: 30_000 });
    const referralUrl = sender.url();
    const referralId = new URL(referralUrl).pathname.split('/').pop() ?? '';

    // The receiving structure's mailbox: the mail the platform's SMTP server kept, and the link in it.
    const link = await eventually(() => actionLinkInMail(platform.stateDir, referralId), 'le courriel de la nouvelle orientation');
    expect(link.startsWith(`${platform.origin}/orientations/lien/`)).toBe(true);
    const token = decodeURIComponent(new URL(link).pathname.split('/').pop() ?? '');

    // Opened in a browser with no session: the referral as the structure's agents see it, answered from there.
    const mailbox = await newPage('lien d’action');
    // No request says where it comes from with the page's address (a stylesheet's own images name the stylesheet).
    const referers: string[] = [];
    mailbox.on('request', (request) => {
      const referer = request.headers()['referer'] ?? '';
      if (referer.includes('/orientations/lien/') || referer.includes(token.slice(-16))) referers.push(`${request.url()} ← ${referer}`);
    });
    const opened = await mailbox.goto(link);
    expect(opened?.headers()['referrer-policy']).toBe('no-referrer');
    await mailbox.getByRole('heading', { level: 1, name: 'Une orientation pour votre structure' }).waitFor();
    await expect(mailbox.locator('main').innerText()).resolves.toMatch(/Yann Le Floch[\s\S]*06 98 76 54 32[\s\S]*Créer son compte Ameli/);
    await mailbox.getByText('Accéder à des services en ligne').waitFor(); // the need's label, from the directory's vocabularies
    await expect(mailbox.getByRole('button', { name: 'Se connecter' }).count()).resolves.toBe(0);
    await check(mailbox, 'lien-action');
    await mailbox.getByRole('button', { name: 'Accuser réception', exact: true }).click();
    await mailbox.getByRole('button', { name: 'Confirmer : Accuser réception' }).click();
    await mailbox.getByText('l’orientation est maintenant « Réception accusée »').waitFor();

    // Réorienter: a reason, and the new service found by its name.
    await mailbox.getByRole('button', { name: 'Réorienter', exact: true }).click();
    await mailbox.locator('#move-reasonCode').selectOption('plus-proche-du-domicile');
    await mailbox.getByRole('button', { name: 'Confirmer : Réorienter' }).click();
    await expect(mailbox.locator('#move-redirectToServiceId-error').innerText()).resolves.toContain('service');
    await mailbox.locator('#move-redirectToServiceId').fill('ploermel');
    await mailbox.locator('input[type="radio"][name="move-redirectToServiceId"]').first().check({ force: true });
    const target = (await mailbox.locator('input[type="radio"][name="move-redirectToServiceId"]:checked + label').innerText()).trim();
    await check(mailbox, 'lien-action-reorienter');
    await mailbox.getByRole('button', { name: 'Confirmer : Réorienter' }).click();
    // A link used after the end says what happened, without the person.
    await mailbox.getByRole('heading', { level: 1, name: 'Cette orientation est terminée' }).waitFor();
    await expect(mailbox.locator('main').innerText()).resolves.toMatch(/Réorientée[\s\S]*Plus proche du domicile/i);
    await expect(mailbox.locator('main').innerText()).resolves.not.toContain('Le Floch');
    await mailbox.reload();
    await mailbox.getByRole('heading', { level: 1, name: 'Cette orientation est terminée' }).waitFor();
    await check(mailbox, 'lien-action-termine');
    // A forged or cut link: a readable page, not an error.
    await mailbox.goto(`${platform.origin}/orientations/lien/${token.slice(0, -4)}AAAA`);
    await mailbox.getByRole('heading', { level: 1, name: 'Ce lien n’est plus valable' }).waitFor();
    await check(mailbox, 'lien-action-invalide');
    expect(referers).toEqual([]);

    // The sender sees the redirect and the new referral, which the new structure receives.
    await sender.goto(referralUrl);
    await sender.getByRole('link', { name: 'nouvelle orientation' }).waitFor();
    await expect(sender.locator('main').innerText()).resolves.toMatch(/Réorientée, par structure destinataire[\s\S]*Plus proche du domicile/);
    await sender.getByRole('link', { name: 'nouvelle orientation' }).click();
    await sender.getByRole('heading', { name: 'Actions' }).waitFor();
    await sender.locator('main dd', { hasText: target.split(' — ')[0] ?? target }).waitFor();
    await expect(sender.locator('main').innerText()).resolves.toContain('l’orientation précédente');
    await check(sender, 'orientation-reorientee');

    expect(external).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(accessibility).toEqual([]);
  }, 900_000);
});

/**
 * Run in the page (as text: infra's TypeScript has no DOM types): the document's width against the window's,
 * and the boxes holding text that clip what overflows them or scroll it sideways.
 */
const reflowProblems = `(() => {
  const cut = [];
  for (const element of document.querySelectorAll('main *, header *, footer *')) {
    const style = getComputedStyle(element);
    // Hidden or clipped cuts it; auto or scroll (a table in its DSFR wrapper) hides it behind a sideways scroll.
    if (!['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX) || element.clientWidth <= 1 || style.position === 'absolute') continue;
    if (element.scrollWidth > element.clientWidth + 1 && (element.innerText || '').trim() !== '') cut.push(element.tagName.toLowerCase() + '.' + [...element.classList].join('.') + ' (' + element.scrollWidth + ' > ' + element.clientWidth + ')');
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, cut };
})()`;

/** The action link of the mail about one referral, once the local SMTP server has written it as `.eml`. */
function actionLinkInMail(stateDir: string, referralId: string): string | null {
  const folder = join(stateDir, 'mail');
  if (!existsSync(folder)) return null;
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.eml'))) {
    // Quoted-printable: soft line breaks joined, =XX decoded (the link is ASCII).
    const text = readFileSync(join(folder, file), 'latin1').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    for (const [url, token] of text.matchAll(/https?:\/\/[^\s"<>]+\/orientations\/lien\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g)) {
      const claims = JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as { rid?: string };
      if (claims.rid === referralId) return url;
    }
  }
  return null;
}

/** Asks until there is an answer (the mail goes out after the event crossed Kafka): no time is asserted. */
async function eventually<T>(probe: () => T | null, what: string, attempts = 240): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const found = probe();
    if (found !== null) return found;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} : toujours absent`);
}
