import { describe, expect, it } from 'vitest';
import { RealtimeCallRecord } from './call-record.ts';

describe('RealtimeCallRecord', () => {
  it('sums the responses’ token usage, with the audio share of each side', () => {
    const record = new RealtimeCallRecord();
    record.response({ total_tokens: 160, input_tokens: 120, output_tokens: 40, input_token_details: { text_tokens: 100, audio_tokens: 20, cached_tokens: 0 }, output_token_details: { text_tokens: 10, audio_tokens: 30 } });
    record.response({ total_tokens: 20, input_tokens: 15, output_tokens: 5 });
    expect(record.usage).toEqual({ llm_prompt_tokens: 135, llm_completion_tokens: 45, llm_prompt_audio_tokens: 20, llm_completion_audio_tokens: 30 });
  });

  it('counts an absent or malformed usage as nothing', () => {
    const record = new RealtimeCallRecord();
    record.response(undefined);
    record.response('lots');
    record.response({ input_tokens: -3, output_tokens: 2.5, input_token_details: null, output_token_details: { audio_tokens: '7' } });
    expect(record.usage).toEqual({ llm_prompt_tokens: 0, llm_completion_tokens: 0, llm_prompt_audio_tokens: 0, llm_completion_audio_tokens: 0 });
  });

  it('keeps the call transcript beside its usage', () => {
    const record = new RealtimeCallRecord();
    record.line({ role: 'agent', text: 'Hello.', start_ms: 0, end_ms: 600 });
    expect(record.transcriptContext()).toEqual({ transcript: [{ role: 'agent', text: 'Hello.', start_ms: 0, end_ms: 600 }] });
  });
});
