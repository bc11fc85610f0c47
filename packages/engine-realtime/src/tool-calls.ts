/**
 * The model's function calls on a realtime call (`@vr3/tools`), each a `tool_call` run event:
 * `end_call` / `transfer_call` are acknowledged and hand the call to {@link CallEnding} (acted on
 * once the response's audio, the goodbye, was heard); an HTTP tool runs and its answer (or failure)
 * goes back to the model (`function_call_output`), which then speaks about it; an unknown function
 * gets an error the model goes on after. Once the call is ending, every call gets an error and
 * nothing more is said.
 */
import type { AgentIO, EngineLogger } from '@vr3/agent';
import { callHttpTool, parseArguments, toolAction, type HttpTool, type HttpToolCallOptions, type Tools } from '@vr3/tools';
import type { RealtimeEvent } from '@vr3/vendors';
import type { CallEnding } from './call-ending.ts';
import type { CallerSilence } from './silence.ts';

type FunctionCall = Extract<RealtimeEvent, { type: 'function_call' }>;

/** What {@link ToolCalls} reads of the call and acts through. */
export interface ToolCallsHost {
  /** The call's I/O while a vendor session is there, else null (a call is then ignored). */
  io(): AgentIO | null;
  /** The call is neither over nor failed and its vendor session is open: an HTTP tool's answer may go back. */
  live(): boolean;
  /** `function_call_output`, asking for no response. */
  output(callId: string, output: string): void;
  /** Asks for a response now. */
  respond(): void;
  /** Asks for a response now when none is active, else once the active one is done. */
  respondWhenIdle(): void;
  /** Response `responseId` had audio (the last words are in it). */
  hadAudio(responseId: string): boolean;
}

/** What {@link ToolCalls} is built from. */
export interface ToolCallsDeps {
  tools: Tools | undefined;
  /** Where an HTTP tool may connect. */
  addressPolicy: HttpToolCallOptions['addressPolicy'];
  /** The call's signal: an HTTP tool's request stops when the call ends. */
  signal: AbortSignal;
  ending: CallEnding;
  silence: CallerSilence;
  log: EngineLogger;
  host: ToolCallsHost;
}

/** See the module comment. */
export class ToolCalls {
  readonly #deps: ToolCallsDeps;
  #running = 0;

  constructor(deps: ToolCallsDeps) {
    this.#deps = deps;
  }

  /** HTTP tools awaiting their answer. */
  get running(): number {
    return this.#running;
  }

  /** The model called a function. */
  called(e: FunctionCall): void {
    const { host, ending } = this.#deps;
    const io = host.io();
    if (io === null) return;
    const action = toolAction(this.#deps.tools, e.name);
    if (action.kind === 'http' && !ending.pending) return this.#runHttpTool(action.tool, e);
    const args = parseArguments(e.arguments);
    if (action.kind === 'unknown' || action.kind === 'http' || ending.pending) {
      const error = action.kind === 'unknown' ? 'unknown tool' : 'the call is already ending';
      io.emit({ type: 'tool_call', data: { name: e.name, arguments: args, error } });
      // The model goes on after an unknown function; once the call is ending, nothing more is said.
      host.output(e.callId, JSON.stringify({ error }));
      if (action.kind === 'unknown') host.respond();
      return;
    }
    io.emit({ type: 'tool_call', data: { name: e.name, arguments: args, result: { ok: true } } });
    host.output(e.callId, JSON.stringify({ ok: true }));
    ending.byTool(action.kind, e.responseId, host.hadAudio(e.responseId), { target: action.kind === 'transfer_call' ? action.target : undefined, say: action.say });
    this.#deps.silence.stop();
    this.#deps.log.info({ tool: e.name }, 'agent ends or transfers the call after its last words');
  }

  /** An HTTP tool: its answer (or failure) goes back to the model, which then speaks about it. */
  #runHttpTool(tool: HttpTool, e: FunctionCall): void {
    const { host } = this.#deps;
    this.#running++;
    void callHttpTool(tool, e.arguments, { addressPolicy: this.#deps.addressPolicy, signal: this.#deps.signal }).then((outcome) => {
      this.#running--;
      if (!host.live()) return;
      const data = outcome.error === undefined ? { result: outcome.result } : { error: outcome.error };
      host.io()?.emit({ type: 'tool_call', data: { name: e.name, arguments: outcome.arguments, ...data } });
      host.output(e.callId, outcome.content);
      host.respondWhenIdle();
      this.#deps.silence.settled();
    });
  }
}
