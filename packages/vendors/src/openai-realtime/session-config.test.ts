import { describe, expect, it } from 'vitest';
import { sessionUpdatePayload } from './session-config.ts';

describe('sessionUpdatePayload', () => {
  it('sends only the fields given, in the GA shape', () => {
    expect(sessionUpdatePayload({ instructions: 'Be brief.' })).toEqual({ type: 'realtime', output_modalities: ['audio'], instructions: 'Be brief.' });
  });

  it('maps formats, turn detection (or null), transcription, tools and tool choice', () => {
    expect(
      sessionUpdatePayload({
        inputFormat: 'pcm16',
        outputFormat: 'pcma',
        voice: 'cedar',
        turnDetection: null,
        inputTranscriptionModel: 'gpt-4o-transcribe',
        tools: [{ name: 'end_call', parameters: { type: 'object' } }],
        toolChoice: { name: 'end_call' },
        extra: { max_output_tokens: 200, type: 'ignored' },
      }),
    ).toEqual({
      type: 'realtime',
      output_modalities: ['audio'],
      max_output_tokens: 200,
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24_000 }, turn_detection: null, transcription: { model: 'gpt-4o-transcribe' } },
        output: { format: { type: 'audio/pcma' }, voice: 'cedar' },
      },
      tools: [{ type: 'function', name: 'end_call', parameters: { type: 'object' } }],
      tool_choice: { type: 'function', name: 'end_call' },
    });
  });

  it('adds the transcription language when given', () => {
    const s = sessionUpdatePayload({ inputTranscriptionModel: 'gpt-4o-mini-transcribe', inputTranscriptionLanguage: 'pt' });
    expect((s.audio as any).input.transcription).toEqual({ model: 'gpt-4o-mini-transcribe', language: 'pt' });
  });

  it('maps server VAD settings to snake_case', () => {
    const s = sessionUpdatePayload({ turnDetection: { type: 'server_vad', threshold: 0.6, prefixPaddingMs: 200, silenceDurationMs: 350, interruptResponse: false } });
    expect((s.audio as any).input.turn_detection).toEqual({ type: 'server_vad', threshold: 0.6, prefix_padding_ms: 200, silence_duration_ms: 350, interrupt_response: false });
  });
});
