/**
 * The console's pages in a real browser against the embedded product: an agent made with its
 * engine's form (the server's error beside the field, then fixed), its UUID and URLs copied, a
 * telephony configuration whose secret never comes back, runs filtered and one run's page (a call
 * through the fake Twilio API to a bridge bot that emits run events), and a member refused an
 * admin page with the server's own error; a call followed live, hung up from the console, and its
 * recording played on its run page.
 */
import { startTestBot, type TestBot } from '@vr3/engine-bridge/testing';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type ProductProcess } from '../harness/product.ts';
import { finalRun, setupProvider, startProviderCall, type ProviderSetup } from '../harness/providers.ts';
import { signIn, type ConsoleBrowser } from './browser.ts';

/** What the suite runs on: the product and the browser, signed in as an admin. */
export interface ConsoleRig {
  product: ProductProcess;
  chrome: ConsoleBrowser;
}

const MEMBER = { email: 'member@acme.example', password: 'member-password-123' };
const TWILIO_SECRET = 'twilio-auth-token-s3cr3t-42';

/**
 * The page tests, on `rig()` (read when they run: the caller starts the product and the browser,
 * whose context must grant `clipboard-read`). Expects the browser signed in as the admin; leaves it
 * signed in as a member.
 */
export function consolePagesSuite(rig: () => ConsoleRig): void {
  describe('the console pages', () => {
    let product: ProductProcess;
    let chrome: ConsoleBrowser;
    let page: Page;
    let twilio: FakeProviderApi;
    let bot: TestBot;
    let credentialId: string;
    let agentUuid: string;

    beforeAll(async () => {
      ({ product, chrome } = rig());
      page = chrome.page;
      [twilio, bot] = await Promise.all([startFakeProviderApi('twilio'), startTestBot({ protocol: 'vr3', mode: 'listen' })]);
      const credential = await product.api('POST', '/service-credentials', { vendor: 'openai', name: 'OpenAI test', api_key: 'sk-console-test-key' });
      expect(credential.status).toBe(201);
      credentialId = credential.body.id;
    });

    afterAll(async () => {
      await Promise.all([twilio?.close(), bot?.close()]);
    });

    // Page-side code as strings: tests/ compile without the DOM's types.
    const go = (hash: string) => page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
    const field = (name: string) => page.locator(`[name="${name}"]`);
    const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');

    it('creates a voice agent with its form: the server names the bad field, then takes the fix', async () => {
      await go('#/agents');
      await page.getByRole('link', { name: 'New agent' }).click();
      await field('name').fill('Receptionist');
      expect(await field('engine.type').inputValue()).toBe('voice');
      await field('engine.stt.vendor').selectOption('deepgram');
      for (const section of ['stt', 'llm', 'tts']) await field(`engine.${section}.credential_id`).selectOption(credentialId);
      await field('engine.stt.model').fill('nova-3');
      await field('engine.llm.model').fill('gpt-4o-mini');
      await field('engine.llm.temperature').fill('0.3');
      await field('engine.tts.vendor').selectOption('openai');
      await field('engine.tts.model').fill('tts-1');
      await field('engine.tts.voice').fill('alloy');
      await field('engine.prompt').fill('You answer for Acme. Be brief.');
      await field('engine.language').fill('english');
      await page.getByRole('button', { name: 'Create agent' }).click();

      const error = page.getByTestId('field-error-engine.language');
      await error.waitFor();
      expect(await error.textContent()).toBe('engine.language: an ISO-639 language code (en, pt-BR) (invalid_engine_config)');
      expect(await page.locator('[data-field="engine.language"]').getAttribute('class')).toContain('invalid');
      await chrome.shot('agent-form-error');

      await field('engine.language').fill('en');
      await page.getByRole('button', { name: 'Create agent' }).click();
      await page.getByTestId('agent-uuid').waitFor();
      agentUuid = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
      const stored = await product.api('GET', `/agents/${agentUuid}`);
      expect(stored.body.engine).toMatchObject({
        type: 'voice',
        language: 'en',
        stt: { vendor: 'deepgram', credential_id: credentialId, model: 'nova-3' },
        llm: { credential_id: credentialId, model: 'gpt-4o-mini', temperature: 0.3 },
        tts: { vendor: 'openai', model: 'tts-1', voice: 'alloy' },
      });
      expect(await page.getByTestId('agent-state').textContent()).toBe('draft');
    });

    it("copies the Agent UUID and stream URL, shows a provider's answer document, and publishes", async () => {
      expect(await page.getByTestId('agent-uuid').textContent()).toBe(agentUuid);
      await page.getByRole('button', { name: 'Copy the Agent UUID' }).click();
      await expect.poll(clipboard).toBe(agentUuid);
      const streamUrl = `ws://127.0.0.1:${product.port}/api/v1/agent-stream/${agentUuid}`;
      expect(await page.getByTestId('stream-url').textContent()).toBe(streamUrl);
      await page.getByRole('button', { name: 'Copy the stream URL' }).click();
      await expect.poll(clipboard).toBe(streamUrl);
      await page.getByRole('button', { name: 'Copy the twilio answer URL' }).click();
      await expect.poll(clipboard).toBe(`http://127.0.0.1:${product.port}/api/v1/answer/twilio/${agentUuid}`);

      await page.locator('tr[data-provider="twilio"]').getByRole('button', { name: 'Show answer document' }).click();
      const twiml = await page.getByTestId('answer-twilio').textContent();
      expect(twiml).toContain('<Stream url="ws://127.0.0.1:');
      expect(twiml).toContain(agentUuid);

      await page.getByRole('button', { name: 'Publish' }).click();
      await expect.poll(() => page.getByTestId('agent-state').textContent()).toBe('published');
      expect((await product.api('GET', `/agents/${agentUuid}`)).body.published_version).toBe(1);
      await chrome.shot('agent');
    });

    it('creates a telephony configuration whose secret never comes back', async () => {
      await go('#/telephony');
      await page.getByRole('button', { name: 'New configuration' }).click();
      await field('provider').selectOption('twilio');
      await field('name').fill('Twilio main');
      await field('account_sid').fill('ACconsole0001');
      await field('auth_token').fill(TWILIO_SECRET);
      await page.getByRole('button', { name: 'Create' }).click();
      const row = page.locator('[data-testid="telephony"] tr', { hasText: 'Twilio main' });
      await row.waitFor();
      expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['Twilio main', 'twilio', 'ACconsole0001', 'set']));
      const listed = await product.api('GET', '/telephony-configurations?provider=twilio');
      expect(listed.body.data).toEqual([expect.objectContaining({ name: 'Twilio main', account_sid: 'ACconsole0001', has_credentials: true })]);
      expect(JSON.stringify(listed.body)).not.toContain(TWILIO_SECRET);

      await row.getByRole('button', { name: 'Edit' }).click();
      expect(await field('auth_token').inputValue()).toBe('');
      expect(await field('auth_token').getAttribute('placeholder')).toBe('set: leave empty to keep');
      expect(await page.content()).not.toContain(TWILIO_SECRET);
      await chrome.shot('telephony');
    });

    it("lists runs filtered by agent and opens a run's page with its events and media stats", async () => {
      const bridge = await setupProvider(product, twilio, { engine: { type: 'bridge', url: bot.url, protocol: 'vr3' } });
      const echo = await product.api('POST', '/agents', { name: 'echo', engine: { type: 'echo' } });
      const call = async (setup: ProviderSetup, script?: () => Promise<void>) => {
        const started = await startProviderCall(product, setup);
        await script?.();
        await started.client.hangup();
        await finalRun(product, started.runId, 15_000);
        return started.runId;
      };
      const bridgeRun = await call(bridge, async () => {
        const connection = await bot.nextConnection();
        connection.sendJson({ event: 'event', data: { intent: 'booking' } });
        connection.sendJson({ event: 'set_context', values: { customer: 'A-17' } });
        // The bot's frames reach the engine before the caller hangs up.
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      await call({ ...bridge, agentUuid: echo.body.uuid });
      await eventually(async () => ((await product.api('GET', `/runs/${bridgeRun}/events`)).body.data.length >= 2 ? true : undefined));

      await go('#/runs');
      await page.locator('[data-testid="runs"] tr[data-id]').nth(1).waitFor();
      await field('agent_uuid').fill(bridge.agentUuid);
      await field('state').selectOption('completed');
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(() => new URL(page.url()).hash).toBe(`#/runs?agent_uuid=${bridge.agentUuid}&state=completed`);
      await expect.poll(() => page.locator('[data-testid="runs"] tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual([bridgeRun]);
      // The filters are read back from the address.
      expect([await field('agent_uuid').inputValue(), await field('state').inputValue()]).toEqual([bridge.agentUuid, 'completed']);
      await chrome.shot('runs');

      await page.locator(`tr[data-id="${bridgeRun}"] a`).first().click();
      await page.getByTestId('run-facts').waitFor();
      expect(await page.getByTestId('run-state').textContent()).toBe('completed');
      await page.getByTestId('timeline').waitFor();
      const types = await page.locator('[data-testid="timeline"] tbody tr td:nth-child(3)').allTextContents();
      expect(types).toEqual(expect.arrayContaining(['event', 'context']));
      expect(await page.getByTestId('timeline').textContent()).toContain('booking');
      expect(await page.getByTestId('media-stats').textContent()).toMatch(/Frames in \/ out\d+ \/ \d+/);
      await chrome.shot('run');
    });

    describe('the overview', () => {
      it('charts calls per hour and failure reasons as GET /stats/overview counts them', async () => {
        await go('#/overview');
        const calls = page.getByTestId('chart-calls-per-hour');
        await calls.waitFor();
        await Promise.all(['chart-minutes', 'chart-failure-reasons', 'chart-handshake', 'chart-turn-latency'].map((id) => page.getByTestId(id).waitFor()));
        // The page asked for the last 24 h; the API's count over the same hours (runs were made just now).
        const to = new Date(Date.now() + 60_000);
        const stats = (await product.api('GET', `/stats/overview?from=${new Date(to.getTime() - 24 * 3_600_000).toISOString()}&to=${to.toISOString()}`)).body;
        const perHour: Array<{ inbound: number; outbound: number; failed: number }> = stats.calls_per_hour;
        const apiTotal = perHour.reduce((sum, h) => sum + h.inbound + h.outbound, 0);
        expect(apiTotal).toBeGreaterThan(0);
        const totals = (await calls.locator('.chart-bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-total'))))) as number[];
        expect(totals.filter((t) => t > 0).length).toBeGreaterThan(0);
        expect(totals.reduce((sum, t) => sum + t, 0)).toBe(apiTotal);
        // Every bar names its hour and counts in its tooltip.
        expect(await calls.locator('.chart-bar title').first().textContent()).toMatch(/\d+ inbound, \d+ outbound, \d+ failed$/);
        const reasons: Array<{ end_reason: string; count: number }> = stats.end_reasons;
        const rows = page.locator('[data-testid="chart-failure-reasons"] .chart-row');
        if (reasons.length > 0) {
          expect(await rows.evaluateAll((els) => els.map((el) => [el.getAttribute('data-label'), Number(el.getAttribute('data-value'))]))).toEqual(reasons.map((r) => [r.end_reason, r.count]));
        } else {
          expect(await page.getByTestId('chart-failure-reasons').textContent()).toBe('No failed calls in this range.');
        }
        // Another range asks again.
        await page.getByRole('button', { name: '7 d' }).click();
        await expect.poll(() => page.getByRole('button', { name: '7 d' }).getAttribute('aria-pressed')).toBe('true');
        await expect.poll(() => calls.locator('.chart-bar').count()).toBeGreaterThanOrEqual(24 * 7);
        await page.getByRole('button', { name: '24 h' }).click();
        await expect.poll(() => calls.locator('.chart-bar').count()).toBeLessThanOrEqual(25);
        await chrome.shot('overview');
      });
    });

    it('turns recording on in the agent settings, shows a call live, hangs it up from the console, then plays its recording', async () => {
      const provider = await startFakeProviderApi('twilio', { accountId: 'AC0123456789abcdef0123456789abcd02' });
      const setup = await setupProvider(product, provider);
      // Recording on through the agent's settings form (a bad webhook URL first: the server's error beside it).
      await go(`#/agents/${setup.agentUuid}`);
      const settings = page.getByTestId('agent-settings');
      await settings.waitFor();
      await settings.locator('[name="recording"]').check();
      await settings.locator('[name="webhook_url"]').fill('not a url');
      await settings.getByRole('button', { name: 'Save settings' }).click();
      await page.getByTestId('field-error-webhook_url').waitFor();
      expect((await product.api('GET', `/agents/${setup.agentUuid}`)).body.recording).toEqual({ enabled: false });
      await settings.locator('[name="webhook_url"]').fill('');
      await settings.getByRole('button', { name: 'Save settings' }).click();
      await settings.getByRole('status').waitFor();
      expect((await product.api('GET', `/agents/${setup.agentUuid}`)).body).toMatchObject({ recording: { enabled: true }, webhook_url: null });
      await go('#/live-calls');
      await expect.poll(() => page.getByTestId('live-status').getAttribute('class')).toContain('live');

      const call = await startProviderCall(product, setup);
      const row = page.locator(`[data-testid="live-calls"] tr[data-run-id="${call.runId}"]`);
      await row.waitFor();
      // A second of 440 Hz from the caller, echoed by the agent: both channels of the recording carry it.
      const frame = call.client.format.sampleRate / 50;
      for (let f = 0; f < 50; f++) {
        call.client.sendPcm(Int16Array.from({ length: frame }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (f * frame + i)) / call.client.format.sampleRate))));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await row.textContent()).toContain('twilio');
      await chrome.shot('live-calls');

      await row.getByRole('button', { name: 'Hang up' }).click();
      await row.getByRole('button', { name: 'Yes' }).click();
      const ended = await finalRun(product, call.runId, 15_000);
      expect(ended).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
      await page.locator(`[data-testid="ended-calls"] tr[data-run-id="${call.runId}"]`).waitFor();
      expect(await row.count()).toBe(0);
      await call.client.close().catch(() => undefined);

      const recorded = await eventually(async () => {
        const run = (await product.api('GET', `/runs/${call.runId}`)).body;
        return run.recording ? run.recording : undefined;
      }, 15_000);
      expect(recorded).toMatchObject({ channels: 2 });
      await go(`#/runs/${call.runId}`);
      await page.locator('canvas.waveform').waitFor();
      const played = await page.evaluate<number>(`(async () => {
        const audio = document.querySelector('.recording audio');
        audio.muted = true;
        await audio.play();
        // Playback advances at its own pace on a busy machine: wait for it, up to 5 s.
        for (let i = 0; i < 100 && audio.currentTime < 0.2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        audio.pause();
        return audio.currentTime;
      })()`);
      expect(played).toBeGreaterThanOrEqual(0.2);
      await chrome.shot('run-recording');
      await provider.close();
    });

    it('creates an API key shown once, revokes it, and lists the users and service credentials', async () => {
      await go('#/api-keys');
      await field('name').fill('ci deploys');
      await page.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByTestId('new-key').locator('code');
      await shown.waitFor();
      const key = (await shown.textContent())!;
      expect((await product.api('GET', '/me', undefined, key)).body).toMatchObject({ role: 'member' });
      await chrome.shot('api-keys');
      const row = page.locator('[data-testid="api-keys"] tr', { hasText: 'ci deploys' });
      expect(await row.locator('td').nth(1).textContent()).toBe(`${key.slice(0, 12)}…`);
      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByRole('button', { name: 'Yes' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await product.api('GET', '/me', undefined, key)).status).toBe(401);
      // Shown once: back on the page, only its prefix is left.
      await go('#/agents');
      await go('#/api-keys');
      await page.locator('[data-testid="api-keys"] tr[data-id]').first().waitFor();
      expect(await page.content()).not.toContain(key);

      await go('#/users');
      await page.locator('[data-testid="users"] tr[data-id]').first().waitFor();
      await page.getByRole('button', { name: 'Quota' }).first().click();
      await page.getByTestId('quota-form').getByText(/^Now: 0 active calls/).waitFor();
      await field('max_concurrent_calls').fill('-1');
      await page.getByRole('button', { name: 'Save quota' }).click();
      expect(await page.getByTestId('field-error-max_concurrent_calls').textContent()).toMatch(/^max_concurrent_calls: .+ \(validation_failed\)$/);
      await field('max_concurrent_calls').fill('3');
      await page.getByRole('button', { name: 'Save quota' }).click();
      await page.getByTestId('quota-form').getByRole('status').waitFor();
      await chrome.shot('users');

      await go('#/credentials');
      await page.locator('[data-testid="credentials"] tr', { hasText: 'OpenAI test' }).waitFor();
      expect(await page.content()).not.toContain('sk-console-test-key');
      await chrome.shot('credentials');
    });

    it("refuses a member the admin pages with the server's error and disables admin actions", async () => {
      const invitation = await product.api('POST', '/users/invitations', { email: MEMBER.email, role: 'member' });
      expect(invitation.status).toBe(201);
      const accepted = await fetch(`${product.baseUrl}/api/v1/auth/accept-invitation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: invitation.body.token, name: 'Mia', password: MEMBER.password }),
      });
      expect(accepted.status).toBe(201);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(page, MEMBER.email, MEMBER.password);
      await expect.poll(() => page.getByTestId('who').textContent()).toBe(`${MEMBER.email} · member`);

      await go('#/telephony');
      const refused = page.getByRole('alert');
      await refused.waitFor();
      expect(await refused.textContent()).toBe('this route needs the admin role (forbidden)');
      await chrome.shot('member-refused');

      await go(`#/agents/${agentUuid}`);
      await page.getByTestId('agent-uuid').waitFor();
      const publish = page.getByRole('button', { name: 'Publish' });
      expect(await publish.isDisabled()).toBe(true);
      expect(await publish.getAttribute('title')).toBe('Only admins may do this');
      expect(await page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    });
  });
}
