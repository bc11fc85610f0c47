import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductProcess } from '../harness/product.ts';

/** Debian's Chromium (`apt-get install chromium`, as .ci/run does); Playwright downloads no browser. */
const CHROMIUM = process.env.VR3_CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the pages' screenshots are kept (gitignored; docs/console.md shows them). */
const SHOTS = fileURLToPath(new URL('../../test-results/console/', import.meta.url));
const EMAIL = 'ops@acme.example';
const PASSWORD = 'console-test-password-1';

let product: ProductProcess;
let browser: Browser;
let page: Page;
/** Errors the page logged (a Content-Security-Policy violation among them) or threw. */
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set VR3_CHROMIUM_PATH)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  [product, browser] = await Promise.all([
    ProductProcess.start({ env: { VR3_BOOTSTRAP_PASSWORD: PASSWORD, VR3_BOOTSTRAP_EMAIL: EMAIL } }),
    // Root in CI: Chromium's sandbox needs an unprivileged user, so it is off here.
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }),
  ]);
  const context = await browser.newContext({ viewport: { width: 1200, height: 720 } });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  if (product) fs.rmSync(product.dataDir, { recursive: true, force: true });
});

async function signIn(password: string): Promise<void> {
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the console in a browser', () => {
  it('is served at / under a strict Content-Security-Policy', async () => {
    const res = await page.goto(product.baseUrl);
    expect(res?.status()).toBe(200);
    const headers = res!.headers();
    expect(headers['content-security-policy']).toMatch(/^default-src 'self';.*script-src 'self';.*frame-ancestors 'none'/);
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await shot('sign-in');
  });

  it("a wrong password shows the server's error and signs no one in", async () => {
    await signIn('not-the-password');
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toBe('wrong email or password (invalid_credentials)');
    expect(await page.getByRole('navigation').count()).toBe(0);
    await shot('sign-in-error');
  });

  it('signs in and lists the agents the API created, with their UUIDs', async () => {
    const created = await product.api('POST', '/agents', { name: 'Front desk', engine: { type: 'echo' } });
    expect(created.status).toBe(201);
    const uuid: string = created.body.uuid;

    await signIn(PASSWORD);
    const row = page.locator(`tr[data-uuid="${uuid}"]`);
    await row.waitFor();
    expect(await page.getByTestId('who').textContent()).toBe(`${EMAIL} · admin`);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['Front desk', 'echo', 'draft']);
    expect(await row.locator('code').textContent()).toBe(uuid);
    expect(await row.getByRole('button', { name: 'Copy the UUID of Front desk' }).isVisible()).toBe(true);
    expect(new URL(page.url()).hash).toBe('');
    await shot('agents');
  });

  it('signs out: the session is gone, and a reload shows the sign-in page again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await page.request.get(`${product.baseUrl}/api/v1/me`)).status()).toBe(401);
  });

  it('logged no error and broke no Content-Security-Policy rule', () => {
    // The one expected error line: the browser reports the 401 of the wrong password.
    expect(pageErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
