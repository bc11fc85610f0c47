import { describe, expect, it } from 'vitest';
import { CallRecord, MAX_TRANSCRIPT_CONTEXT_BYTES } from './call-record.ts';

describe('CallRecord', () => {
  it('sums usage over requests', () => {
    const record = new CallRecord();
    record.llm(10, 3);
    record.llm(12, 5);
    record.tts('Hello.');
    record.tts('Bye.');
    record.stt(1.2345);
    record.stt(0.5);
    expect(record.usage).toEqual({ llm_prompt_tokens: 22, llm_completion_tokens: 8, tts_characters: 10, stt_seconds: 1.735 });
  });

  it('keeps the transcript in order, and only its newest lines that fit one run event', () => {
    const record = new CallRecord();
    record.line({ role: 'agent', text: 'Hi.' });
    record.line({ role: 'caller', text: 'hello' });
    record.line({ role: 'agent', text: 'How can', interrupted: true });
    expect(record.transcriptContext()).toEqual({
      transcript: [
        { role: 'agent', text: 'Hi.' },
        { role: 'caller', text: 'hello' },
        { role: 'agent', text: 'How can', interrupted: true },
      ],
    });
    const long = new CallRecord();
    for (let i = 0; i < 400; i++) long.line({ role: i % 2 === 0 ? 'agent' : 'caller', text: `line ${i} ${'x'.repeat(90)}` });
    const context = long.transcriptContext();
    expect(Buffer.byteLength(JSON.stringify(context))).toBeLessThanOrEqual(MAX_TRANSCRIPT_CONTEXT_BYTES);
    expect(context.transcript.at(-1)?.text).toMatch(/^line 399 /);
    expect(context.transcript_omitted).toBe(400 - context.transcript.length);
    expect(context.transcript_omitted).toBeGreaterThan(0);
  });
});
