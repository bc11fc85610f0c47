import type { Tools } from './spec.ts';

/** A function the model is offered (the shape of an OpenAI-compatible `tools[].function`). */
export interface ToolFunction {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

const END_CALL_DESCRIPTION =
  'End the phone call. Say goodbye in the same reply, before calling this: the call ends once the caller has heard it.';
const TRANSFER_CALL_DESCRIPTION =
  'Transfer the caller to a person. Tell the caller in the same reply, before calling this: the transfer happens once they have heard it.';

/** The functions `tools` offers the model, in the configuration's order. */
export function toolFunctions(tools: Tools | undefined): ToolFunction[] {
  return Object.entries(tools ?? {}).map(([name, tool]): ToolFunction => {
    switch (tool.type) {
      case 'end_call':
        return {
          name,
          description: tool.description ?? END_CALL_DESCRIPTION,
          parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why the call ends, in a few words.' } }, additionalProperties: false },
        };
      case 'transfer_call':
        return { name, description: tool.description ?? TRANSFER_CALL_DESCRIPTION, parameters: { type: 'object', properties: {}, additionalProperties: false } };
      case 'http':
        return { name, description: tool.description, parameters: tool.parameters };
    }
  });
}

/** What the caller pressed, as the model reads it. */
export function dtmfText(digits: string): string {
  return `[The caller pressed ${digits.split('').join(' ')} on the keypad]`;
}
