/**
 * Caller silence on the `realtime` engine through the embedded product: a Twilio-style μ-law call
 * (the fake Twilio media client, streaming silence and acknowledging marks as it plays) to an
 * agent whose model is the OpenAI Realtime stand-in, with `silence: {reprompt_after_s: 2,
 * hangup_after_s: 4, goodbye}`. Nobody speaks: after 2 s the model is asked for a reprompt, which
 * the caller hears; 2 s more of silence (the reprompt's playback not counted) and the model is
 * asked for the goodbye; the call is hung up once it was heard, the run ending completed /
 * agent_hangup with both on the run.
 */
import { describe, expect, it } from 'vitest';
import { REPROMPT_INSTRUCTIONS, sayInstructions } from '@vr3/engine-realtime';
import type { RecordedRealtimeEvent } from '@vr3/vendors/testing';
import { runEvents } from '../harness/bridge.ts';
import { receivedMulawMs, sayMulaw, useRealtimeSuite } from '../harness/realtime.ts';
import { finalRun } from '../harness/providers.ts';

const GOODBYE = 'I will hang up now. Goodbye.';

const s = useRealtimeSuite({
  engine: (credentialId) => ({
    type: 'realtime',
    llm: { vendor: 'openai', credential_id: credentialId, model: 'gpt-realtime' },
    prompt: 'You are the front desk. Answer briefly.',
    endpointing: { silence_ms: 200 },
    silence: { reprompt_after_s: 2, hangup_after_s: 4, goodbye: GOODBYE },
  }),
});

const eventsSince = (from: number, type: string): RecordedRealtimeEvent[] => s.standIn.events.slice(from).filter((e) => e.type === type);

describe('realtime engine caller silence', () => {
  it('a silent caller hears a reprompt after reprompt_after_s, then the goodbye, and is hung up after hangup_after_s of silence in all', async () => {
    s.standIn.scriptResponse({ audioMs: 500, transcript: ['Are you still there?'] }, { audioMs: 400, transcript: [GOODBYE] });
    const updates = s.standIn.events.filter((e) => e.type === 'session.update').length;
    const c = await s.call({ running: true });
    await s.standIn.waitForEvent('session.update', updates + 1);
    const from = s.standIn.events.length;
    const startedAt = performance.now();
    const hangupPath = `/2010-04-01/Accounts/${s.twilio.accountId}/Calls/${c.info.callId}.json`;
    const hangup = () => s.twilio.requests.find((r) => r.method === 'POST' && r.path === hangupPath && r.body.includes('Status=completed'));
    // The caller's line carries silence all along, as a real one does.
    let streaming = true;
    const line = (async () => {
      while (streaming && hangup() === undefined) await sayMulaw(c, 100, false).catch(() => (streaming = false));
    })();
    try {
      await expect.poll(() => eventsSince(from, 'response.create').length, { timeout: 4000, interval: 20 }).toBe(1);
      const repromptAt = performance.now() - startedAt;
      expect(repromptAt).toBeGreaterThanOrEqual(1800);
      expect(eventsSince(from, 'response.create')[0]!.response).toEqual({ instructions: REPROMPT_INSTRUCTIONS });
      // The caller hears the whole reprompt.
      await expect.poll(() => receivedMulawMs(c), { timeout: 3000 }).toBe(500);

      await expect.poll(() => eventsSince(from, 'response.create').length, { timeout: 5000, interval: 20 }).toBe(2);
      // 2 s of silence before the reprompt and 2 s after it was heard: not before 4.5 s in all.
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(4300);
      expect(eventsSince(from, 'response.create')[1]!.response).toEqual({ instructions: sayInstructions(GOODBYE), tool_choice: 'none' });
      let receivedAtHangup = -1;
      await expect
        .poll(
          () => {
            const found = hangup() !== undefined;
            if (found && receivedAtHangup < 0) receivedAtHangup = receivedMulawMs(c);
            return found;
          },
          { timeout: 4000, interval: 10 },
        )
        .toBe(true);
      // Hung up only after the whole goodbye reached the caller.
      expect(receivedAtHangup).toBe(900);
      expect(performance.now() - startedAt).toBeLessThan(12_000);
    } finally {
      streaming = false;
      await line;
    }

    expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
    const events = await runEvents(s.product, c.runId);
    expect(events.filter((e) => e.type === 'transcript').map((e) => [e.data.role, e.data.text])).toEqual([
      ['agent', 'Are you still there?'],
      ['agent', GOODBYE],
    ]);
    expect(events.filter((e) => e.type === 'log').map((e) => e.data)).toEqual([
      { level: 'info', message: 'caller silent: reprompt', after_s: 2 },
      { level: 'info', message: 'caller silent: the agent hangs up', after_s: 4 },
    ]);
  });
});
