import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, RECENTLY_ENDED, addTranscriptLines, applyCallEvent, applySnapshot, liveCalls } from './calls-state.ts';
import { callSeconds, formatDuration } from './duration.ts';
import type { LiveCall, TranscriptLine } from './types.ts';

function call(id: string, patch: Partial<LiveCall> = {}): LiveCall {
  return {
    id,
    name: `WR-AGS-${id.toUpperCase()}`,
    state: 'initialized',
    call_type: 'inbound',
    provider: 'twilio',
    agent: { uuid: 'agent-1', name: 'Front desk' },
    caller_number: '+15555550100',
    called_number: '+15555550199',
    edge_id: 'edge-1',
    dial_status: null,
    created_at: `2026-01-01T00:00:0${id.length}.000Z`,
    started_at: null,
    ended_at: null,
    end_reason: null,
    duration_seconds: null,
    ...patch,
  };
}

const line = (runId: string, seq: number, text: string): TranscriptLine => ({ run_id: runId, seq, at: '2026-01-01T00:00:00.000Z', data: { role: 'agent', text } });
const snapshot = (calls: LiveCall[]) => ({ calls, truncated: false, transcripts: true, server_time: '2026-01-01T00:00:00.000Z' });

describe('live calls state', () => {
  it('takes a snapshot as the live calls, then adds started calls and moves them forward', () => {
    let s = applySnapshot(EMPTY_STATE, snapshot([call('a', { state: 'running' })]));
    expect(s.transcriptsAllowed).toBe(true);
    s = applyCallEvent(s, 'call.started', call('bb'));
    expect(liveCalls(s).map((c) => c.id)).toEqual(['a', 'bb']);
    s = applyCallEvent(s, 'call.updated', call('bb', { state: 'running', started_at: '2026-01-01T00:00:05.000Z' }));
    expect(s.calls['bb']?.state).toBe('running');
  });

  it('never moves a call back: a late call.started after call.updated is ignored, an ended call never comes back', () => {
    let s = applySnapshot(EMPTY_STATE, snapshot([]));
    s = applyCallEvent(s, 'call.updated', call('a', { state: 'running' }));
    s = applyCallEvent(s, 'call.started', call('a'));
    expect(s.calls['a']?.state).toBe('running');
    s = applyCallEvent(s, 'call.ended', call('a', { state: 'completed', end_reason: 'api_hangup', duration_seconds: 7 }));
    expect(s.calls['a']).toBeUndefined();
    expect(s.ended[0]).toMatchObject({ id: 'a', end_reason: 'api_hangup' });
    s = applyCallEvent(s, 'call.updated', call('a', { state: 'running' }));
    expect(s.calls['a']).toBeUndefined();
  });

  it('a reconnection snapshot replaces the live calls, keeps recently ended ones and bounds them', () => {
    let s = applySnapshot(EMPTY_STATE, snapshot([call('a'), call('bb')]));
    for (let i = 0; i < RECENTLY_ENDED + 3; i++) s = applyCallEvent(s, 'call.ended', call(`e${i}`, { state: 'failed', end_reason: 'edge_lost' }));
    s = applySnapshot(s, snapshot([call('bb')]));
    expect(Object.keys(s.calls)).toEqual(['bb']);
    expect(s.ended).toHaveLength(RECENTLY_ENDED);
    expect(s.ended[0]?.id).toBe(`e${RECENTLY_ENDED + 2}`);
  });

  it('merges transcript lines in seq order without repeats, whether from the stream or the stored events', () => {
    let s = applySnapshot(EMPTY_STATE, snapshot([call('a')]));
    s = addTranscriptLines(s, 'a', [line('a', 3, 'three')]);
    s = addTranscriptLines(s, 'a', [line('a', 1, 'one'), line('a', 3, 'three'), line('a', 2, 'two')]);
    expect(s.transcripts['a']?.map((l) => l.data.text)).toEqual(['one', 'two', 'three']);
    // A snapshot without the call (and it never ended here) drops its transcript.
    s = applySnapshot(s, snapshot([]));
    expect(s.transcripts['a']).toBeUndefined();
  });
});

describe('durations', () => {
  it('formats m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65.9)).toBe('1:05');
    expect(formatDuration(3600 + 2 * 60 + 3)).toBe('1:02:03');
    expect(formatDuration(-4)).toBe('0:00');
  });

  it('counts a live call from its start, shows the recorded duration once ended, nothing before it started', () => {
    const started = call('a', { state: 'running', started_at: '2026-01-01T00:00:00.000Z' });
    expect(callSeconds(started, Date.parse('2026-01-01T00:01:01.500Z'))).toBe(61);
    expect(callSeconds(call('a'), Date.parse('2026-01-01T00:01:01.500Z'))).toBeNull();
    expect(callSeconds(call('a', { state: 'completed', started_at: '2026-01-01T00:00:00.000Z', duration_seconds: 12 }), Date.now())).toBe(12);
  });
});
