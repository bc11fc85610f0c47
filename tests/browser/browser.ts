/**
 * The console's browser tests' common ground: Debian's Chromium driven by Playwright (no browser
 * download), a page that records every error it logs or throws, and screenshots kept under
 * test-results/console/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright';

/** Debian's Chromium (`apt-get install chromium`, as .ci/run does); Playwright downloads no browser. */
export const CHROMIUM = process.env.VR3_CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the pages' screenshots are kept (gitignored; docs/console.md lists them). */
export const SHOTS = fileURLToPath(new URL('../../test-results/console/', import.meta.url));

/** A headless Chromium and one page of it. */
export interface ConsoleBrowser {
  browser: Browser;
  page: Page;
  /** Errors the page logged (a Content-Security-Policy violation among them) or threw. */
  errors: string[];
  /** Saves a full-page screenshot as `{name}.png` under {@link SHOTS}. */
  shot(name: string): Promise<void>;
}

/** Launches Chromium with one page (1200×720 unless `context` says otherwise). */
export async function openConsoleBrowser(context: BrowserContextOptions = {}): Promise<ConsoleBrowser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set VR3_CHROMIUM_PATH)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  // Root in CI: Chromium's sandbox needs an unprivileged user, so it is off here.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 720 }, ...context })).newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return { browser, page, errors, shot: async (name) => void (await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })) };
}

/** Signs in through the sign-in page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
