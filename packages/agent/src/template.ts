/**
 * `{{name}}` placeholders of an agent's prompt and greeting (every engine that speaks for itself):
 * filled from the call (`caller_number`, `called_number`) and any `initial_context` key. A
 * placeholder with no value renders empty and is reported, so the engine can log which ones were
 * missing (never their values).
 */
import type { CallInfo } from './session.ts';

/** What a rendered template left empty. */
export interface RenderedTemplate {
  text: string;
  /** Placeholder names that had no value, once each, in order of appearance. */
  missing: string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/** A value as it reads in a prompt: strings as they are, numbers and booleans as text, objects as JSON. */
function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** The variables a call gives its templates: `caller_number`, `called_number` and its `initial_context` keys. */
export function callVariables(call: Pick<CallInfo, 'from' | 'to' | 'initialContext'>): Record<string, unknown> {
  return { caller_number: call.from, called_number: call.to, ...call.initialContext };
}

/** Replaces every `{{name}}` in `template` with `variables[name]`. */
export function renderTemplate(template: string, variables: Readonly<Record<string, unknown>>): RenderedTemplate {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = Object.hasOwn(variables, name) ? textOf(variables[name]) : undefined;
    if (value === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    return value;
  });
  return { text, missing };
}
