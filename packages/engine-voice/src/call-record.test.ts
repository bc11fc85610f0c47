import { describe, expect, it } from 'vitest';
import { CallRecord } from './call-record.ts';

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

  it('keeps the call transcript beside its usage', () => {
    const record = new CallRecord();
    record.llm(4, 2);
    record.line({ role: 'caller', text: 'hello', start_ms: 900, end_ms: 1300 });
    expect(record.transcriptContext()).toEqual({ transcript: [{ role: 'caller', text: 'hello', start_ms: 900, end_ms: 1300 }] });
    expect(record.usage.llm_prompt_tokens).toBe(4);
  });
});
