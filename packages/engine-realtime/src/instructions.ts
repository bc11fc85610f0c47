/**
 * What a response VR3 asks for itself is told to say (`response.create {instructions}`): a fixed
 * text (the greeting, a tool's goodbye or announcement, a configured reprompt or silence goodbye),
 * last words of the model's own, or a check that a silent caller is still there. The agent's
 * prompt and greeting are rendered with the call's variables first.
 */
import { callVariables, renderTemplate, type CallInfo, type EngineLogger } from '@vr3/agent';

/** `template` (the agent's `prompt` or `greeting`) with the call's variables; placeholders without a value are logged. */
export function renderForCall(template: string, call: CallInfo, field: 'prompt' | 'greeting', log: EngineLogger): string {
  const rendered = renderTemplate(template, callVariables(call));
  if (rendered.missing.length > 0) log.warn({ missing: rendered.missing, field }, 'placeholders without a value');
  return rendered.text;
}

/** How a response that says a fixed text is asked for. */
export const sayInstructions = (text: string): string => `Say exactly this to the caller, and nothing else: "${text}"`;

/** How last words are asked for when the model called `end_call` / `transfer_call` without a word and the tool has none configured. */
export const FAREWELL_INSTRUCTIONS = 'In one short sentence, tell the caller what happens next (goodbye, or that you are transferring them). Do not call any tool.';

/** How a reprompt is asked for when the caller has been silent and `silence.reprompt` is not set. */
export const REPROMPT_INSTRUCTIONS = 'The caller has said nothing for a while. In one short sentence, check whether they are still there. Do not call any tool.';
