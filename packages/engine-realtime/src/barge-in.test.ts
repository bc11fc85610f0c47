import { afterEach, describe, expect, it, vi } from 'vitest';
import { BargeIn, type BargeInHost, type BargeInOptions } from './barge-in.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A host recording what barge-in did; the agent talks and the vendor is caught up unless told. */
function setup(options: Partial<BargeInOptions> = {}, state: { talking?: boolean; ending?: boolean; caughtUp?: boolean } = {}) {
  const calls: string[] = [];
  let clock = 0;
  const host: BargeInHost = {
    agentTalking: () => state.talking ?? true,
    ending: () => state.ending ?? false,
    pause: () => {
      calls.push('pause');
      return 700;
    },
    resume: () => void calls.push('resume'),
    cut: (heardMs, cancel) => void calls.push(`cut ${heardMs}${cancel ? ' cancel' : ''}`),
    vendorAnswers: (on) => void calls.push(`vendorAnswers ${on}`),
    vendorCaughtUp: () => state.caughtUp ?? true,
    answer: () => void calls.push('answer'),
    cancelNextResponse: () => void calls.push('cancelNextResponse'),
  };
  const b = new BargeIn(host, { enabled: true, minDurationMs: 500, transcribed: false, now: () => clock, ...options });
  b.vendorSilenceMs = 200;
  return { b, calls, state, tick: (ms: number) => (clock += ms) };
}

describe('BargeIn', () => {
  it('pauses at the onset; speech of min_duration_ms (less the closing silence) cuts the agent off and answers the caller', () => {
    const { b, calls } = setup();
    b.speechStarted(1000);
    expect(calls).toEqual(['pause', 'vendorAnswers false']);
    expect(b.paused).toBe(true);
    b.speechStopped(1700); // 500 ms spoken + 200 ms of silence
    expect(calls.slice(2)).toEqual(['vendorAnswers true', 'cut 700 cancel', 'answer']);
    expect(b.paused).toBe(false);
  });

  it('shorter speech resumes the agent; when the vendor had not caught up, its answer to the noise is cancelled', () => {
    const { b, calls, state } = setup();
    b.speechStarted(1000);
    b.speechStopped(1690);
    expect(calls.slice(2)).toEqual(['vendorAnswers true', 'resume']);
    state.caughtUp = false;
    b.speechStarted(3000);
    b.speechStopped(3300);
    expect(calls.slice(6)).toEqual(['vendorAnswers true', 'cancelNextResponse', 'resume']);
    // Nor answered by VR3 when a long speech ended before the vendor caught up: the vendor answers it.
    b.speechStarted(5000);
    b.speechStopped(6000);
    expect(calls.slice(11)).toEqual(['vendorAnswers true', 'cut 700 cancel']);
  });

  it('with transcription, a short speech waits for its transcript: words interrupt, none (or none in time) resume', () => {
    vi.useFakeTimers();
    const { b, calls } = setup({ transcribed: true });
    b.speechStarted(1000);
    b.speechStopped(1300);
    expect(calls).toEqual(['pause', 'vendorAnswers false', 'vendorAnswers true']);
    b.transcript('No.');
    expect(calls.slice(3)).toEqual(['cut 700 cancel', 'answer']);
    b.speechStarted(2000);
    b.speechStopped(2300);
    b.transcript('');
    expect(calls.slice(-1)).toEqual(['resume']);
    b.speechStarted(4000);
    b.speechStopped(4300);
    vi.advanceTimersByTime(699);
    expect(calls.at(-1)).toBe('vendorAnswers true');
    vi.advanceTimersByTime(1);
    expect(calls.at(-1)).toBe('resume');
  });

  it('speech again while the transcript is awaited is the same attempt, measured from its first onset', () => {
    vi.useFakeTimers();
    const { b, calls } = setup({ transcribed: true });
    b.speechStarted(1000);
    b.speechStopped(1300);
    b.speechStarted(1400);
    expect(calls).toEqual(['pause', 'vendorAnswers false', 'vendorAnswers true', 'vendorAnswers false']);
    vi.advanceTimersByTime(5000);
    expect(calls).toHaveLength(4); // no resume meanwhile
    b.speechStopped(1800); // 1000 → 1600 spoken
    expect(calls.slice(4)).toEqual(['vendorAnswers true', 'cut 700 cancel', 'answer']);
  });

  it('a response the vendor starts while the agent is paused is the reply: the agent is cut off, nothing more asked', () => {
    const { b, calls } = setup();
    b.speechStarted(1000);
    b.responseStarted();
    expect(calls).toEqual(['pause', 'vendorAnswers false', 'vendorAnswers true', 'cut 700 cancel']);
    b.responseStarted();
    expect(calls).toHaveLength(4);
  });

  it('never pauses a silent agent, nor when disabled; the last words before end_call play on; min_duration_ms 0 cuts at the onset', () => {
    const silent = setup({}, { talking: false });
    silent.b.speechStarted(0);
    const disabled = setup({ enabled: false });
    disabled.b.speechStarted(0);
    expect([...silent.calls, ...disabled.calls]).toEqual([]);

    const ending = setup();
    ending.b.speechStarted(1000);
    ending.state.ending = true;
    ending.b.speechStopped(3000);
    expect(ending.calls).toEqual(['pause', 'vendorAnswers false', 'vendorAnswers true', 'resume']);

    const immediate = setup({ minDurationMs: 0 });
    immediate.b.speechStarted(1000);
    expect(immediate.calls).toEqual(['pause', 'cut 700']);
    expect(immediate.b.paused).toBe(false);
  });

  it('a vendor without speech positions is timed by the clock; close() drops a pause and its timer', () => {
    vi.useFakeTimers();
    const { b, calls, tick } = setup({ transcribed: true });
    b.speechStarted(0);
    tick(900); // 900 ms between the events, 200 of them the closing silence
    b.speechStopped(0);
    expect(calls.slice(-2)).toEqual(['cut 700 cancel', 'answer']);
    b.speechStarted(0);
    b.speechStopped(0);
    b.close();
    vi.advanceTimersByTime(1000);
    expect(calls.at(-1)).toBe('vendorAnswers true');
    expect(vi.getTimerCount()).toBe(0);
  });
});
