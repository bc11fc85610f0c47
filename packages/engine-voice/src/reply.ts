/**
 * The LLM half of a reply turn: the model's answer to the conversation so far is streamed, each
 * sentence handed to speech as soon as it is complete (speech starts with the first sentence, not
 * after the whole reply), and the tool calls of each round run once its stream has ended. An HTTP
 * tool's answer goes back to the model in a further round of the same turn (at most
 * {@link VOICE_DEFAULTS.maxToolRounds}, then a spoken apology); an ending tool's last words are
 * spoken. A failing LLM becomes {@link ApologizeAndFail}; an interruption or the end of the call
 * {@link Stopped}.
 */
import type { EngineLogger } from '@vr3/agent';
import { toolFunctions } from '@vr3/tools';
import type { ChatMessage, ChatToolCall, OpenAiCompatibleClient } from '@vr3/vendors';
import type { AgentTurn, AssistantMessage } from './agent-turn.ts';
import type { CallRecord } from './call-record.ts';
import { vendorFailure } from './errors.ts';
import { SentenceChunker } from './sentences.ts';
import { VOICE_DEFAULTS, type VoiceRuntimeConfig } from './spec.ts';
import type { ToolRound } from './tool-calls.ts';
import type { TurnClock } from './turn-clock.ts';
import { ApologizeAndFail, Stopped } from './turn-signals.ts';

/** What a reply is written and spoken with (the session's). */
export interface ReplyDeps {
  readonly config: VoiceRuntimeConfig;
  readonly llm: OpenAiCompatibleClient;
  /** The conversation; each round's assistant message with tool calls joins it here. */
  readonly history: ChatMessage[];
  readonly record: CallRecord;
  readonly log: EngineLogger;
  now(): number;
  /** True once the call ended. */
  closed(): boolean;
  /** Speaks `text`, a segment of round `round` of `turn`; throws {@link Stopped} or the TTS's failure. */
  speak(text: string, clock: TurnClock, turn: AgentTurn, round: number): Promise<void>;
  /** Runs one round's tool calls; their answers join the history. */
  runTools(turn: AgentTurn, calls: readonly ChatToolCall[], reply: string): Promise<ToolRound>;
}

/**
 * Streams and speaks the reply of `turn` (see the module comment). Resolves, once all of it was
 * spoken, with the text of the turn's last message (the final round's reply, a goodbye, an
 * apology), which the caller adds to the history.
 */
export async function streamReply(deps: ReplyDeps, turn: AgentTurn, clock: TurnClock): Promise<string> {
  const { llm } = deps.config;
  const tools = toolFunctions(deps.config.tools);
  let speaking: Promise<void> = Promise.resolve();
  let speakError: unknown;
  const say = (sentence: string): void => {
    const round = turn.round;
    speaking = speaking.then(() => (speakError === undefined ? deps.speak(sentence, clock, turn, round) : undefined)).catch((err: unknown) => {
      speakError ??= err;
    });
  };
  let last = '';
  for (;;) {
    const chunker = new SentenceChunker();
    let reply = '';
    const calls: ChatToolCall[] = [];
    try {
      for await (const event of deps.llm.chat(
        {
          model: llm.model,
          messages: [...deps.history],
          tools: tools.length > 0 ? tools : undefined,
          temperature: llm.temperature,
          maxTokens: llm.max_tokens,
        },
        { signal: turn.signal },
      )) {
        if (event.type === 'tool_call') calls.push(event.call);
        if (event.type === 'usage') deps.record.llm(event.usage.promptTokens, event.usage.completionTokens);
        if (event.type !== 'text') continue;
        clock.llmFirstToken ??= deps.now();
        reply += event.text;
        for (const sentence of chunker.push(event.text)) say(sentence);
        if (speakError !== undefined) break;
      }
    } catch (err) {
      throw deps.closed() || turn.heard !== undefined ? new Stopped() : new ApologizeAndFail(vendorFailure('llm', err));
    }
    // Interrupted while the stream was closing: its calls are dropped with it.
    if (turn.heard !== undefined) throw new Stopped();
    const rest = chunker.flush();
    if (rest !== undefined) say(rest);
    reply = reply.trim();
    if (calls.length === 0 || speakError !== undefined) {
      last = reply;
      break;
    }
    // The reply with its calls joins the history now; the calls' answers follow it.
    const message: AssistantMessage = { role: 'assistant', content: reply === '' ? null : reply, toolCalls: calls };
    deps.history.push(message);
    turn.messages[turn.round] = message;
    const next = await deps.runTools(turn, calls, reply);
    if (turn.heard !== undefined) throw new Stopped();
    turn.round++;
    if (next.say !== undefined) {
      last = next.say;
      say(last);
      break;
    }
    if (!next.again) break;
    if (turn.round > VOICE_DEFAULTS.maxToolRounds) {
      deps.log.warn({ rounds: VOICE_DEFAULTS.maxToolRounds }, 'the model kept calling tools: apology spoken');
      last = VOICE_DEFAULTS.toolApology;
      say(last);
      break;
    }
  }
  await speaking;
  if (speakError !== undefined) throw speakError;
  return last;
}
