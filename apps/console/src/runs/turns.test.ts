import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../types.ts';
import { metricNames, transcriptOf, turnLatencies } from './turns.ts';

let seq = 0;
const ev = (type: string, data: Record<string, unknown>): RunEvent => ({ seq: ++seq, type, at: '2026-01-01T00:00:00.000Z', data });
const ms = (name: string, value: number) => ev('metric', { name, value, unit: 'ms' });

const events = [
  ev('transcript', { role: 'agent', text: 'Hello!' }),
  ev('transcript', { role: 'caller', text: 'hi the', final: false }),
  ev('transcript', { role: 'caller', text: 'Hi there', start_ms: 1200 }),
  ms('stt_latency_ms', 210),
  ms('llm_first_token_ms', 340),
  ev('metric', { name: 'frames', value: 3, unit: 'frames' }),
  ms('first_audio_sent_ms', 700),
  ev('transcript', { role: 'agent', text: 'How can', interrupted: true, reply: 'How can I help you today?' }),
  ev('transcript', { role: 'caller', text: 'Wait' }),
  ms('stt_latency_ms', 190),
  ms('custom_ms', 5),
];

describe('run transcript and turns', () => {
  it('lists final lines with interruptions and what the agent was saying', () => {
    const lines = transcriptOf(events);
    expect(lines.map((l) => [l.role, l.text, l.interrupted])).toEqual([
      ['agent', 'Hello!', false],
      ['caller', 'Hi there', false],
      ['agent', 'How can', true],
      ['caller', 'Wait', false],
    ]);
    expect(lines[2]!.reply).toBe('How can I help you today?');
    expect(lines[1]!.startMs).toBe(1200);
  });

  it('groups ms metrics by the caller turn they follow', () => {
    const turns = turnLatencies(events);
    expect(turns).toEqual([
      { turn: 1, caller: 'Hi there', metrics: { stt_latency_ms: 210, llm_first_token_ms: 340, first_audio_sent_ms: 700 } },
      { turn: 2, caller: 'Wait', metrics: { stt_latency_ms: 190, custom_ms: 5 } },
    ]);
    expect(metricNames(turns)).toEqual(['stt_latency_ms', 'llm_first_token_ms', 'first_audio_sent_ms', 'custom_ms']);
  });

  it('a repeated metric without a caller line (realtime engines) opens a new turn', () => {
    const turns = turnLatencies([ms('first_audio_sent_ms', 400), ms('first_audio_sent_ms', 380)]);
    expect(turns.map((t) => t.metrics['first_audio_sent_ms'])).toEqual([400, 380]);
  });
});
