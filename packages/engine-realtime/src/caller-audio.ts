/**
 * The caller's audio on its way to the vendor. While the vendor session opens it is kept, bounded:
 * past {@link MAX_EARLY_FRAMES} the oldest frame is dropped (live audio: the newest matters most)
 * and the drop counted; once the session is open the audio kept goes first, then each frame as it
 * comes. What the vendor took is counted on the transcript's clock (where the caller's turns are
 * placed); a frame it refused is counted as dropped.
 */
import type { OpenAiRealtimeSession } from '@vr3/vendors';
import type { CallTranscript } from './call-transcript.ts';

/** Caller audio kept while the vendor session opens (20 ms frames: 5 s). */
export const MAX_EARLY_FRAMES = 250;

/** What {@link CallerAudio} is built from. */
export interface CallerAudioDeps {
  /** Audio bytes per ms of the wire format. */
  bytesPerMs: number;
  transcript: CallTranscript;
  /** `frames` of the caller's audio were dropped. */
  dropped: (frames: number) => void;
}

/** See the module comment. */
export class CallerAudio {
  readonly #deps: CallerAudioDeps;
  #early: Uint8Array[] = [];
  #session: OpenAiRealtimeSession | null = null;

  constructor(deps: CallerAudioDeps) {
    this.#deps = deps;
  }

  /** A frame of the caller's audio. */
  write(audio: Uint8Array): void {
    if (this.#session !== null) return this.#append(this.#session, audio);
    this.#early.push(audio.slice());
    if (this.#early.length > MAX_EARLY_FRAMES) {
      this.#early.shift();
      this.#deps.dropped(1);
    }
  }

  /** The vendor session is open: the audio kept goes to it, then every frame. */
  opened(session: OpenAiRealtimeSession): void {
    this.#session = session;
    const early = this.#early;
    this.#early = [];
    for (const audio of early) this.#append(session, audio);
  }

  /** Forgets the audio kept; no more goes to the vendor. */
  close(): void {
    this.#early = [];
    this.#session = null;
  }

  #append(session: OpenAiRealtimeSession, audio: Uint8Array): void {
    if (session.appendAudio(audio)) this.#deps.transcript.callerAudio(audio.length / this.#deps.bytesPerMs);
    else this.#deps.dropped(1);
  }
}
