import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { emailGallery } from './email-gallery';

/**
 * Renders every email template's HTML in Chromium and writes one PNG each under docs/notification/
 * (`node dist/services/notification/src/messages/templates/email-screenshots.js [folder]`, from the
 * repository's root; RELAIS_CHROMIUM overrides /usr/bin/chromium). At a mail client's reading width.
 */
async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? join('docs', 'notification'));
  mkdirSync(folder, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env['RELAIS_CHROMIUM'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 680, height: 400 }, deviceScaleFactor: 1 });
    // Nothing leaves the machine: the templates load nothing, and any request would be a defect.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    for (const [name, message] of Object.entries(emailGallery())) {
      await page.setContent(message.html, { waitUntil: 'load' });
      await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
      process.stdout.write(`${name}.png\n`);
    }
  } finally {
    await browser.close();
  }
}

// Only as a command: the event-catalog test loads every module of the service to find its handlers.
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
