/**
 * What a model's call of a function asks of the call, engine-neutral: `end_call` and
 * `transfer_call` act once the agent's last words (the goodbye, the announcement) have been heard;
 * an HTTP tool runs and its answer goes back to the model; any other name is unknown.
 */
import type { HttpTool, Tools } from './spec.ts';

/** What a function call asks the call to do. */
export type ToolAction =
  /** Hang up once the last words were heard; `say` is spoken first when the model said nothing. */
  | { kind: 'end_call'; say?: string | undefined }
  /** Transfer to `target` once the last words were heard; `say` as for `end_call`. */
  | { kind: 'transfer_call'; target: string; say?: string | undefined }
  | { kind: 'http'; tool: HttpTool }
  /** No tool of that name. */
  | { kind: 'unknown' };

/** The action of a call of function `name` under `tools`. */
export function toolAction(tools: Tools | undefined, name: string): ToolAction {
  const tool = tools !== undefined && Object.hasOwn(tools, name) ? tools[name] : undefined;
  switch (tool?.type) {
    case undefined:
      return { kind: 'unknown' };
    case 'end_call':
      return { kind: 'end_call', say: tool.goodbye };
    case 'transfer_call':
      return { kind: 'transfer_call', target: tool.target, say: tool.announcement };
    case 'http':
      return { kind: 'http', tool };
  }
}

/** A call's `arguments` as JSON when they parse, else the raw text (models sometimes send broken JSON). */
export function parseArguments(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
