import { describe, expect, it } from 'vitest';
import { CALLER_SPEECH_MAX_PAUSE_MS, CallerSpeech } from './caller-speech.ts';

describe('CallerSpeech', () => {
  it('a turn spans its first onset to its last end of speech; the next turn starts afresh', () => {
    const speech = new CallerSpeech();
    speech.started(200);
    speech.ended(800);
    speech.started(1000);
    speech.ended(1400);
    expect(speech.take(1700)).toEqual({ start_ms: 200, end_ms: 1400 });
    speech.started(3000);
    speech.ended(3500);
    expect(speech.take(3800)).toEqual({ start_ms: 3000, end_ms: 3500 });
  });

  it('speech under way at the report stays for the next turn', () => {
    const speech = new CallerSpeech();
    speech.started(200);
    speech.ended(800);
    speech.started(1100);
    expect(speech.take(1150)).toEqual({ start_ms: 200, end_ms: 800 });
    speech.ended(1600);
    expect(speech.take(1900)).toEqual({ start_ms: 1100, end_ms: 1600 });
  });

  it('an utterance reported while the caller still speaks ends at the report; that speech end is not counted again', () => {
    const speech = new CallerSpeech();
    speech.started(500);
    expect(speech.take(1200)).toEqual({ start_ms: 500, end_ms: 1200 });
    speech.ended(1300);
    expect(speech.take(2000)).toEqual({ start_ms: 2000, end_ms: 2000 });
  });

  it('speech nobody transcribed long before is not the start of the next turn', () => {
    const speech = new CallerSpeech();
    speech.started(100);
    speech.ended(300);
    speech.started(300 + CALLER_SPEECH_MAX_PAUSE_MS + 1);
    speech.ended(3000);
    expect(speech.take(3100)).toEqual({ start_ms: 300 + CALLER_SPEECH_MAX_PAUSE_MS + 1, end_ms: 3000 });
  });

  it('without speech (words the VAD did not hear, a key press) the span is the report moment', () => {
    expect(new CallerSpeech().take(4200)).toEqual({ start_ms: 4200, end_ms: 4200 });
  });
});
