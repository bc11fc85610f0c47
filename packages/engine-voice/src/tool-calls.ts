/**
 * The tool calls of one reply of a voice turn (`@vr3/tools`), run in order. Each is answered to
 * the model (a `tool` message) and recorded as a `tool_call` run event with its arguments and its
 * result or error. `end_call` / `transfer_call` make the call end once the turn has been heard;
 * an HTTP tool's answer, or failure, goes back to the model, which is then asked again.
 */
import type { AgentIO } from '@vr3/agent';
import { callHttpTool, parseArguments, toolAction, type HttpToolCallOptions, type Tools } from '@vr3/tools';
import type { ChatToolCall } from '@vr3/vendors';
import { VOICE_DEFAULTS } from './spec.ts';

/** How a tool ends the call once the agent's last words have been heard. */
export type ToolEnding = { kind: 'hangup'; reason: 'end_call' } | { kind: 'transfer'; target: string };

/** What {@link runToolCalls} works with. */
export interface ToolCallContext {
  tools: Tools | undefined;
  addressPolicy: HttpToolCallOptions['addressPolicy'];
  /** The turn's signal: an HTTP tool's request is dropped when it fires. */
  signal: AbortSignal;
  /** The caller interrupted the turn. */
  interrupted(): boolean;
  /** The call is already ending (an earlier tool, silence). */
  ending: boolean;
  /** Records a run event (a no-op once the call is over). */
  emit: AgentIO['emit'];
  /** Answers call `callId` to the model. */
  answer(callId: string, content: string): void;
}

/** What a round of tool calls came to. */
export interface ToolRound {
  /** Ask the model again with the answers. */
  again: boolean;
  /** The call ends (first ending tool wins). */
  ending?: ToolEnding;
  /** The last words to speak before it ends, when the model's reply said nothing. */
  say?: string;
}

/** Runs `calls` (the reply said `reply`); see the module comment. */
export async function runToolCalls(calls: readonly ChatToolCall[], reply: string, ctx: ToolCallContext): Promise<ToolRound> {
  let again = false;
  let ending: ToolEnding | undefined;
  let say: string | undefined;
  for (const call of calls) {
    const action = toolAction(ctx.tools, call.name);
    if (action.kind === 'unknown' || ctx.ending || ending !== undefined) {
      const error = action.kind === 'unknown' ? 'unknown tool' : 'the call is already ending';
      ctx.emit({ type: 'tool_call', data: { name: call.name, arguments: parseArguments(call.arguments), error } });
      ctx.answer(call.id, JSON.stringify({ error }));
      again = true;
      continue;
    }
    if (action.kind === 'http') {
      const outcome = await callHttpTool(action.tool, call.arguments, { addressPolicy: ctx.addressPolicy, signal: ctx.signal });
      const interrupted = ctx.interrupted() && outcome.error === 'aborted';
      const error = interrupted ? 'interrupted' : outcome.error;
      ctx.emit({ type: 'tool_call', data: { name: call.name, arguments: outcome.arguments, ...(error === undefined ? { result: outcome.result } : { error }) } });
      ctx.answer(call.id, interrupted ? JSON.stringify({ error: 'the caller spoke before the tool answered' }) : outcome.content);
      again = true;
      continue;
    }
    ctx.emit({ type: 'tool_call', data: { name: call.name, arguments: parseArguments(call.arguments), result: { ok: true } } });
    ctx.answer(call.id, JSON.stringify({ ok: true }));
    ending = action.kind === 'end_call' ? { kind: 'hangup', reason: 'end_call' } : { kind: 'transfer', target: action.target };
    if (reply === '') say = action.say ?? (action.kind === 'end_call' ? VOICE_DEFAULTS.farewell : VOICE_DEFAULTS.transferAnnouncement);
  }
  return { again: again && ending === undefined && !ctx.ending, ...(ending === undefined ? {} : { ending }), ...(say === undefined ? {} : { say }) };
}
