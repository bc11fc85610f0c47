import type { LogEvent } from '@vr3/agent';
import { ManualClock, RecordingLogger } from '@vr3/agent/testing';
import { describe, expect, it } from 'vitest';
import { REPROMPT_INSTRUCTIONS, sayInstructions } from './instructions.ts';
import { CallerSilence } from './silence.ts';
import type { RealtimeRuntimeConfig } from './spec.ts';

/** A call the test sets as busy or playing, recording what the silence does to it. */
function call(silence: RealtimeRuntimeConfig['silence']) {
  const clock = new ManualClock();
  const state = { busy: false, unheardMs: 0 };
  const did: string[] = [];
  const events: LogEvent['data'][] = [];
  const s = new CallerSilence(
    silence,
    {
      busy: () => state.busy,
      unheardMs: () => state.unheardMs,
      reprompt: (instructions) => void did.push(`reprompt@${clock.now()}: ${instructions}`),
      hangup: (goodbye) => void did.push(`hangup@${clock.now()}: ${goodbye ?? '-'}`),
      emit: (event) => void events.push(event.data),
      log: new RecordingLogger(),
    },
    { timers: clock.timers, now: clock.now },
  );
  return { s, clock, state, did, events };
}

describe('CallerSilence', () => {
  it('runs the clocks only once nothing is going on and the audio was heard; a reprompt keeps the silence so far', () => {
    const { s, clock, state, did, events } = call({ reprompt_after_s: 2, hangup_after_s: 5, goodbye: 'Bye.' });
    state.busy = true;
    s.settled();
    expect(clock.pending()).toEqual([]);
    // Settled, but 300 ms of the agent's audio is still unheard: it looks again once it should have played.
    state.busy = false;
    state.unheardMs = 300;
    s.settled();
    expect(clock.pending()).toEqual([300]);
    clock.advance(300);
    expect(clock.pending()).toEqual([300]);
    state.unheardMs = 0;
    clock.advance(300);
    expect(clock.pending()).toEqual([2000, 5000]);
    // Looking again while they run changes nothing.
    clock.advance(1000);
    s.settled();
    expect(clock.pending()).toEqual([1000, 4000]);
    clock.advance(1000);
    expect(did).toEqual([`reprompt@2600: ${REPROMPT_INSTRUCTIONS}`]);
    expect(events).toEqual([{ level: 'info', message: 'caller silent: reprompt', after_s: 2 }]);
    // The reprompt response starts, is heard (1 s later), and the hang-up clock goes on from 2 s.
    s.agentSpeaking();
    clock.advance(1000);
    s.settled();
    expect(clock.pending()).toEqual([2000, 3000]);
    clock.advance(2000);
    expect(did).toEqual([`reprompt@2600: ${REPROMPT_INSTRUCTIONS}`, `reprompt@5600: ${REPROMPT_INSTRUCTIONS}`]);
    s.agentSpeaking();
    s.settled();
    // 4 s of silence so far: no third reprompt fits, the hang-up comes 1 s later, with the goodbye.
    expect(clock.pending()).toEqual([1000]);
    clock.advance(1000);
    expect(did.at(-1)).toBe(`hangup@6600: ${sayInstructions('Bye.')}`);
    expect(events.at(-1)).toEqual({ level: 'info', message: 'caller silent: the agent hangs up', after_s: 5 });
    // Stopped for good.
    s.settled();
    clock.advance(60_000);
    expect(did).toHaveLength(3);
  });

  it('caller speech forgets the silence so far; the configured reprompt is said as it is; no goodbye hangs up at once', () => {
    const { s, clock, did } = call({ reprompt_after_s: 3, reprompt: 'Hello?', hangup_after_s: 4 });
    s.settled();
    clock.advance(3000);
    expect(did).toEqual([`reprompt@3000: ${sayInstructions('Hello?')}`]);
    s.agentSpeaking();
    s.callerActive();
    s.settled();
    expect(clock.pending()).toEqual([3000, 4000]);
    clock.advance(2000);
    s.callerActive();
    expect(clock.pending()).toEqual([]);
    s.settled();
    clock.advance(4000);
    expect(did).toEqual([`reprompt@3000: ${sayInstructions('Hello?')}`, `reprompt@8000: ${sayInstructions('Hello?')}`]);
    s.settled();
    clock.advance(1000);
    expect(did.at(-1)).toBe('hangup@10000: -');
  });

  it('a reprompt that finds the call busy is skipped; stop() and a section without durations arm nothing', () => {
    const busy = call({ reprompt_after_s: 2 });
    busy.s.settled();
    busy.state.busy = true;
    busy.clock.advance(2000);
    expect(busy.did).toEqual([]);
    busy.state.busy = false;
    busy.state.unheardMs = 500;
    busy.s.settled();
    busy.s.stop();
    expect(busy.clock.pending()).toEqual([]);
    busy.s.settled();
    expect(busy.clock.pending()).toEqual([]);

    const none = call({ reprompt: 'Hello?', goodbye: 'Bye.' });
    none.s.settled();
    none.clock.advance(600_000);
    expect(none.clock.pending()).toEqual([]);
    expect(none.did).toEqual([]);
  });
});
