import type { RunEventType } from '@vr3/protocol';

/**
 * A transcript line: what the caller said or the agent spoke (personal data: stored on the run,
 * never logged). Engines that know when the turn was spoken give `start_ms` / `end_ms`
 * (milliseconds since the session started). An agent turn the caller `interrupted` has in `text`
 * what the caller heard and, in `reply`, everything the agent was saying.
 */
export interface TranscriptEvent {
  type: 'transcript';
  data: { role: 'caller' | 'agent'; text: string; final?: boolean; interrupted?: boolean; start_ms?: number; end_ms?: number; reply?: string };
}
/** A tool the agent called, with its arguments and result or error. */
export interface ToolCallEvent {
  type: 'tool_call';
  data: { name: string; arguments?: unknown; result?: unknown; error?: string };
}
/** A measured value (latency, token counts, …). */
export interface MetricEvent {
  type: 'metric';
  data: { name: string; value: number; unit?: string };
}
/** Variables the agent extracted or set. */
export interface VariablesEvent {
  type: 'variables';
  data: { values: Record<string, unknown> };
}
/** An engine log line worth keeping on the run (a bot cut off, a vendor error). */
export interface LogEvent {
  type: 'log';
  data: { level: 'info' | 'warn' | 'error'; message: string; [key: string]: unknown };
}
/** A free-form event from the agent (a bridged bot's `event`). */
export interface CustomEvent {
  type: 'event';
  data: Record<string, unknown>;
}

/** What {@link AgentIO.emit} takes. `context` events come from {@link AgentIO.setContext}. */
export type RunEventInput = TranscriptEvent | ToolCallEvent | MetricEvent | VariablesEvent | LogEvent | CustomEvent;

/** Compile-time check: every emitted type is a wire type. */
export type EmittedRunEventType = RunEventInput['type'] & RunEventType;
