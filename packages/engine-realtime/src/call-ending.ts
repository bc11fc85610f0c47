/**
 * How a realtime call ends once its last words were heard: `end_call` / `transfer_call` (the
 * response that called the tool holds the last words; when it had no audio, a response saying the
 * tool's `goodbye` / `announcement` — else a short farewell of the model's own — is asked for
 * first) and a silence hang-up (a response asked to say the configured goodbye, or none). A
 * playback mark goes after the last words; once it was played the call is hung up (`end_call`,
 * `silence`) or transferred. Set once: the first reason wins; acted on once.
 */
import type { AgentIO } from '@vr3/agent';
import { FAREWELL_INSTRUCTIONS, sayInstructions } from './instructions.ts';

/** Why the call ends: `end_call` and `silence` hang up with that reason, `transfer_call` transfers. */
export type EndingKind = 'end_call' | 'transfer_call' | 'silence';

/** What the session does when a response is done while the call is ending. */
export type EndingStep =
  /** Ask for the last words: a response with these instructions (and no tools). */
  | { kind: 'ask'; instructions: string }
  /** The last words are queued: place the playback mark after them. */
  | { kind: 'mark' }
  | { kind: 'none' };

interface Ending {
  kind: EndingKind;
  target?: string | undefined;
  /** Said first when the tool's response had no audio (the tool's `goodbye` / `announcement`). */
  say?: string | undefined;
  /** The response whose audio is the last words; `''` while an asked-for one has not started. */
  responseId: string;
  hadAudio: boolean;
  /** The last words were asked for (a response VR3 requested); its id follows with `response.created`. */
  asked: boolean;
  marked: boolean;
  done: boolean;
}

/** See the module comment. */
export class CallEnding {
  #ending: Ending | undefined;

  /** The call is ending: no new turn, no barge-in, no caller audio to the model. */
  get pending(): boolean {
    return this.#ending !== undefined;
  }

  /** A tool ends the call after response `responseId` (`hadAudio`: it already carried audio); false when already ending. */
  byTool(kind: 'end_call' | 'transfer_call', responseId: string, hadAudio: boolean, options: { target?: string | undefined; say?: string | undefined }): boolean {
    if (this.#ending !== undefined) return false;
    this.#ending = { kind, target: options.target, say: options.say, responseId, hadAudio, asked: false, marked: false, done: false };
    return true;
  }

  /** Caller silence ends the call: after a goodbye response the session asks for now (`asking`), else at once ({@link act}). */
  bySilence(asking: boolean): boolean {
    if (this.#ending !== undefined) return false;
    this.#ending = { kind: 'silence', responseId: '', hadAudio: false, asked: asking, marked: false, done: false };
    return true;
  }

  /** `response.created`: an asked-for response's id. */
  created(responseId: string): void {
    const e = this.#ending;
    if (e?.asked === true && e.responseId === '') e.responseId = responseId;
  }

  /** Audio of response `responseId` arrived. */
  audio(responseId: string): void {
    if (this.#ending?.responseId === responseId) this.#ending.hadAudio = true;
  }

  /** `response.done` of `responseId`; `canAsk`: a response may still be requested (the vendor session is open). */
  responseDone(responseId: string, canAsk: boolean): EndingStep {
    const e = this.#ending;
    if (e === undefined || e.marked || e.responseId !== responseId) return { kind: 'none' };
    if (!e.hadAudio && !e.asked && canAsk) {
      e.asked = true;
      e.responseId = '';
      return { kind: 'ask', instructions: e.say === undefined ? FAREWELL_INSTRUCTIONS : sayInstructions(e.say) };
    }
    e.marked = true;
    return { kind: 'mark' };
  }

  /** The last words were heard (or there are none): hang up or transfer, once. */
  act(io: AgentIO): void {
    const e = this.#ending;
    if (e === undefined || e.done) return;
    e.done = true;
    if (e.kind === 'transfer_call') io.transfer(e.target!);
    else io.hangup(e.kind);
  }
}
