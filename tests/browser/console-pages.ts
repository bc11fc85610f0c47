/**
 * The console's pages in a real browser against the embedded product: an agent made with its
 * engine's form (the server's error beside the field, then fixed), its UUID and URLs copied, a
 * telephony configuration whose secret never comes back, runs filtered and one run's page (a call
 * through the fake Twilio API to a bridge bot that emits run events), stored credentials tested from
 * the Telephony and Credentials pages against the provider's and a vendor's stand-ins (OK, then the
 * server's refusal), invitations made and one revoked from the Users page (its token then refused),
 * and a member refused an admin page with the server's own error; a call placed from the agent page
 * (the provider's stand-in dials back), followed live, hung up from the console, and its recording
 * played on its run page.
 */
import { startTestBot, type TestBot } from '@vr3/engine-bridge/testing';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { startOpenAiCompatibleStandIn } from '@vr3/vendors/testing';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_ID } from '../harness/outbound.ts';
import { eventually, type ProductProcess } from '../harness/product.ts';
import { finalRun, setupProvider, startProviderCall, type ProviderSetup } from '../harness/providers.ts';
import { signIn, type ConsoleBrowser } from './browser.ts';

/** What the suite runs on: the product and the browser, signed in as an admin. */
export interface ConsoleRig {
  product: ProductProcess;
  chrome: ConsoleBrowser;
}

const MEMBER = { email: 'member@acme.example', password: 'member-password-123' };
/** Invited from the Users page, then revoked there. */
const REVOKED_INVITEE = 'temp@acme.example';
const TWILIO_SECRET = 'twilio-auth-token-s3cr3t-42';
/** The key the vendor's stand-in accepts, and one it refuses. */
const VENDOR_KEY = 'sk-vendor-stand-in-key-7Qm2';
const WRONG_VENDOR_KEY = 'sk-vendor-wrong-key-3Xp9';
/** The number the call placed from the console dials (from the harness's caller id). */
const CALL_TO = '+15550001001';

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
    /** The member's invitation token, as the Users page showed it once. */
    let memberToken: string;

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
    /** Accepts an invitation through the API, as its link's page does (no API key). */
    const acceptInvitation = (token: string, name: string, password: string) =>
      fetch(`${product.baseUrl}/api/v1/auth/accept-invitation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name, password }) });
    /** Invites `email` as a member from the Users page; returns the token it shows this once. */
    const invite = async (email: string) => {
      await field('email').fill(email);
      await page.getByRole('button', { name: 'Invite', exact: true }).click();
      const shown = page.getByRole('status').filter({ hasText: `Send this to ${email} now` }).locator('code');
      await shown.waitFor();
      // The invitation URL carries the token after `#token=` (the bare token where no public URL is set).
      const text = (await shown.textContent())!;
      return text.includes('#token=') ? decodeURIComponent(text.slice(text.indexOf('#token=') + '#token='.length)) : text;
    };

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
      // The provider's stand-in knows neither this account nor its token: its Test is refused (below).
      await field('api_base_url').fill(twilio.url);
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

    it("tests stored credentials from the Telephony and Credentials pages: the stand-in's OK, and its refusal as the server words it", async () => {
      /** Clicks a row's Test and returns what its status says once the answer is in. */
      const testRow = async (list: string, id: string) => {
        const row = page.locator(`[data-testid="${list}"] tr[data-id="${id}"]`);
        await row.getByRole('button', { name: 'Test' }).click();
        const status = row.getByRole('status').filter({ hasNotText: 'Testing…' });
        await status.waitFor();
        return { text: (await status.textContent())!, failed: (await status.getAttribute('class'))!.includes('error') };
      };
      /** What the page renders from the API's own answer to the same test. */
      const asRendered = (result: { ok: boolean; latency_ms: number; error?: { message: string; code: string } }) =>
        result.ok ? `OK · ${result.latency_ms} ms` : `${result.error!.message} (${result.error!.code})`;
      /**
       * On the open page, Test on a row the remote end accepts, then on one whose credentials `by`
       * refuses: each shows what the API itself answers to the same test (`POST /{resource}/{id}/test`).
       */
      const expectTests = async (pageName: string, resource: string, rows: { accepted: string; refused: string; by: string }) => {
        expect(await testRow(pageName, rows.accepted)).toEqual({ text: expect.stringMatching(/^OK · \d+ ms$/), failed: false });
        const refused = await testRow(pageName, rows.refused);
        expect(refused).toEqual({ text: `${rows.by} refused the credentials (HTTP 401) (invalid_credentials)`, failed: true });
        const direct = await product.api('POST', `/${resource}/${rows.refused}/test`);
        expect(direct.body).toMatchObject({ ok: false, status: 401 });
        expect(asRendered(direct.body)).toBe(refused.text);
        expect((await product.api('POST', `/${resource}/${rows.accepted}/test`)).body).toMatchObject({ ok: true, status: 200 });
      };

      // The runs' configuration (above) names the stand-in's account and credentials; "Twilio main" does not.
      const configurations = (await product.api('GET', '/telephony-configurations?provider=twilio')).body.data as Array<{ id: string; name: string; account_sid: string }>;
      const known = configurations.find((c) => c.account_sid === twilio.accountId)!.id;
      const unknown = configurations.find((c) => c.name === 'Twilio main')!.id;
      await go('#/telephony');
      await expectTests('telephony', 'telephony-configurations', { accepted: known, refused: unknown, by: 'twilio' });
      expect(await page.content()).not.toContain(TWILIO_SECRET);
      await chrome.shot('telephony');

      // Service credentials pointing at the vendor's stand-in: its key, then another.
      const vendor = await startOpenAiCompatibleStandIn({ apiKey: VENDOR_KEY });
      const create = async (name: string, apiKey: string) => {
        const created = await product.api('POST', '/service-credentials', { vendor: 'openai', name, api_key: apiKey, base_url: vendor.url });
        expect(created.status).toBe(201);
        return created.body.id as string;
      };
      const [right, wrong] = [await create('OpenAI stand-in', VENDOR_KEY), await create('OpenAI wrong key', WRONG_VENDOR_KEY)];
      await go('#/credentials');
      await expectTests('credentials', 'service-credentials', { accepted: right, refused: wrong, by: 'openai' });
      const content = await page.content();
      expect(content).not.toContain(VENDOR_KEY);
      expect(content).not.toContain(WRONG_VENDOR_KEY);
      await chrome.shot('credentials');
      await vendor.close();
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

    it('turns recording on in the agent settings, places a call from the agent page, shows it live, hangs it up from the console, then plays its recording', async () => {
      // The provider's stand-in dials back: it answers on the run-bound stream URL the product gives
      // it and plays a 440 Hz tone as the called party until the call is hung up (a minute at most).
      const provider = await startFakeProviderApi('twilio', { accountId: 'AC0123456789abcdef0123456789abcd02', dialBack: { holdMs: 60_000 } });
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

      // The call is placed from the agent's form: a number that is not E.164 first (the server's error beside it).
      const form = page.getByTestId('place-call');
      const configuration = form.locator('[name="telephony_configuration_id"]');
      await expect.poll(() => configuration.locator(`option[value="${setup.configId}"]`).count()).toBe(1);
      await configuration.selectOption(setup.configId);
      await form.locator('[name="to"]').fill('555 0100');
      await form.locator('[name="from"]').fill(CALLER_ID);
      await form.getByRole('button', { name: 'Place call' }).click();
      const toError = page.getByTestId('field-error-to');
      await toError.waitFor();
      expect(await toError.textContent()).toMatch(/^to: must be an E\.164 number .+ \(invalid_phone_number\)$/);
      expect(provider.dials).toEqual([]);
      await form.locator('[name="to"]').fill(CALL_TO);
      await form.locator('[name="initial_context"]').fill('{"ticket": "T-9"}');
      await form.getByRole('button', { name: 'Place call' }).click();
      const placed = page.getByTestId('placed-call');
      await placed.waitFor();
      expect(await toError.count()).toBe(0);
      const runId = (await placed.locator('code').textContent())!;
      expect((await product.api('GET', `/runs/${runId}`)).body).toMatchObject({
        call_type: 'outbound',
        mode: 'twilio',
        telephony_configuration_id: setup.configId,
        initial_context: { ticket: 'T-9', caller_number: CALLER_ID, called_number: CALL_TO },
      });
      expect(await placed.getByRole('link', { name: 'Open the run' }).getAttribute('href')).toBe(`#/runs/${runId}`);
      await chrome.shot('place-call');

      // The stand-in answers on the run-bound stream URL; the call shows on Live calls, in call.
      await placed.getByRole('link', { name: 'Live calls' }).click();
      await expect.poll(() => page.getByTestId('live-status').getAttribute('class')).toContain('live');
      const row = page.locator(`[data-testid="live-calls"] tr[data-run-id="${runId}"]`);
      await row.waitFor();
      const dial = await eventually(async () => provider.dials.find((d) => d.placement.to === CALL_TO && d.streamUrl !== undefined), 10_000);
      expect(dial.streamUrl).toMatch(new RegExp(`/api/v1/agent-stream/twilio/${setup.agentUuid}/[A-Za-z0-9_-]{43}$`));
      await expect.poll(() => row.locator('td').allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining(['outbound', CALLER_ID, CALL_TO, 'twilio', 'in call']));
      // A second of the called party's tone, echoed by the agent: both channels of the recording carry it.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await chrome.shot('live-calls');

      await row.getByRole('button', { name: 'Hang up' }).click();
      await row.getByRole('button', { name: 'Yes' }).click();
      const ended = await finalRun(product, runId, 15_000);
      expect(ended).toMatchObject({ state: 'completed', end_reason: 'api_hangup', call_type: 'outbound' });
      await page.locator(`[data-testid="ended-calls"] tr[data-run-id="${runId}"]`).waitFor();
      expect(await row.count()).toBe(0);
      // The hang-up ended the stand-in's call well before its minute was up.
      await dial.done;
      expect(dial.error).toBeUndefined();
      expect(dial.callbacks.map((c) => c.status)).toEqual(['ringing', 'in-progress', 'completed']);
      // The console's hang-up is also asked of the provider: the placed call has a provider call id.
      await eventually(async () => {
        const actions = (await product.api('GET', `/runs/${runId}`)).body.logs.provider_actions as Array<Record<string, unknown>>;
        return actions.some((a) => a['action'] === 'hangup' && a['source'] === 'api' && a['outcome'] === 'succeeded') ? true : undefined;
      }, 10_000);

      const recorded = await eventually(async () => {
        const run = (await product.api('GET', `/runs/${runId}`)).body;
        return run.recording ? run.recording : undefined;
      }, 15_000);
      expect(recorded).toMatchObject({ channels: 2 });
      await go(`#/runs/${runId}`);
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

    it('invites from the Users page, lists the invitation pending, and revokes another whose token then gets 410', async () => {
      await go('#/users');
      const rows = page.locator('[data-testid="invitations"] tr[data-id]');
      const rowOf = (email: string) => rows.filter({ hasText: email });
      memberToken = await invite(MEMBER.email);
      // Inviting reloads the panel: the invitation is there, pending.
      await rowOf(MEMBER.email).waitFor();
      expect(await rowOf(MEMBER.email).getAttribute('data-state')).toBe('pending');
      expect(await rowOf(MEMBER.email).locator('td').allTextContents()).toEqual(expect.arrayContaining([MEMBER.email, 'member', 'pending']));

      const revokedToken = await invite(REVOKED_INVITEE);
      const revoked = rowOf(REVOKED_INVITEE);
      await revoked.waitFor();
      const revokedId = (await revoked.getAttribute('data-id'))!;
      await revoked.getByRole('button', { name: 'Revoke' }).click();
      await revoked.getByRole('button', { name: 'Yes' }).click();
      await expect.poll(() => revoked.getAttribute('data-state')).toBe('revoked');
      expect(await revoked.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
      const listed = (await product.api('GET', '/users/invitations')).body.data as Array<{ id: string; email: string; state: string }>;
      expect(listed.find((i) => i.id === revokedId)).toMatchObject({ email: REVOKED_INVITEE, state: 'revoked' });
      expect(listed.find((i) => i.email === MEMBER.email)).toMatchObject({ state: 'pending' });
      const refused = await acceptInvitation(revokedToken, 'Tom', 'temp-password-123');
      expect(refused.status).toBe(410);
      expect(await refused.json()).toMatchObject({ error: { code: 'invitation_revoked' } });

      // The state filter asks the server for one state.
      await field('invitation-state').selectOption('revoked');
      await expect.poll(() => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-id')))).toEqual([revokedId]);
      await field('invitation-state').selectOption('');
      await expect.poll(() => rows.count()).toBe(2);
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
    });

    it("refuses a member the admin pages with the server's error and disables admin actions", async () => {
      // The invitation the admin made from the Users page.
      const accepted = await acceptInvitation(memberToken, 'Mia', MEMBER.password);
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
      const placeCall = page.getByTestId('place-call').getByRole('button', { name: 'Place call' });
      expect(await placeCall.isDisabled()).toBe(true);
      expect(await placeCall.getAttribute('title')).toBe('Only admins may do this');

      // The invitations are the admins' alone: the panel shows the server's refusal and no Revoke to press.
      await go('#/users');
      const invitations = page.getByTestId('invitations');
      await invitations.getByRole('alert').waitFor();
      expect(await invitations.getByRole('alert').textContent()).toBe('this route needs the admin role (forbidden)');
      expect(await invitations.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    });
  });
}
