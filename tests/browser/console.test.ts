import fs from 'node:fs';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductProcess } from '../harness/product.ts';
import { openConsoleBrowser, signIn as signInAs, type ConsoleBrowser } from './browser.ts';
import { consolePagesSuite } from './console-pages.ts';

const EMAIL = 'ops@acme.example';
const PASSWORD = 'console-test-password-1';

let product: ProductProcess;
let chrome: ConsoleBrowser;
let page: Page;
let pageErrors: string[];
const shot = (name: string) => chrome.shot(name);

beforeAll(async () => {
  [product, chrome] = await Promise.all([ProductProcess.start({ env: { VR3_BOOTSTRAP_PASSWORD: PASSWORD, VR3_BOOTSTRAP_EMAIL: EMAIL } }), openConsoleBrowser({ permissions: ['clipboard-read', 'clipboard-write'] })]);
  ({ page, errors: pageErrors } = chrome);
});

afterAll(async () => {
  await chrome?.browser.close();
  await product?.stop();
  if (product) fs.rmSync(product.dataDir, { recursive: true, force: true });
});

const signIn = (password: string) => signInAs(page, EMAIL, password);

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
    // The overview is the first page; the agents are one click away.
    await page.getByTestId('chart-calls-per-hour').waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    const row = page.locator(`tr[data-uuid="${uuid}"]`);
    await row.waitFor();
    expect(await page.getByTestId('who').textContent()).toBe(`${EMAIL} · admin`);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['Front desk', 'echo', 'draft']);
    expect(await row.locator('code').textContent()).toBe(uuid);
    expect(await row.getByRole('button', { name: 'Copy the UUID of Front desk' }).isVisible()).toBe(true);
    expect(new URL(page.url()).hash).toBe('#/agents');
    await shot('agents');
  });

  // One product for every page (a start is the slow part): the pages suite signs a member in.
  consolePagesSuite(() => ({ product, chrome }));

  it('signs out: the session is gone, and a reload shows the sign-in page again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await page.request.get(`${product.baseUrl}/api/v1/me`)).status()).toBe(401);
  });

  it('logged no error and broke no Content-Security-Policy rule', () => {
    // The browser reports each 4xx answer as an error line: the wrong password (401), the refused
    // field (400), the member's refusals (403), absent webhook deliveries (404), the refused webhook URL (422).
    expect(pageErrors.filter((e) => !/status of (400|401|403|404|422)/.test(e))).toEqual([]);
  });
});
