/**
 * The `tools` section of an agent's engine configuration (runtime-free: zod only, for the
 * control-plane catalog). Tools are keyed by the function name the model calls, so a stored secret
 * header keeps its tool when the others are added, removed or reordered.
 */
import { z } from 'zod';

/** A function name the model may call (what OpenAI-compatible servers accept). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;
/** Most tools one agent may have. */
export const MAX_TOOLS = 32;

/** Defaults of the optional fields, one place. */
export const TOOL_DEFAULTS = {
  /** An HTTP tool's deadline (connect, answer and body). */
  httpTimeoutMs: 5_000,
  httpMethod: 'POST',
  /** Largest answer body read from an HTTP tool; a longer one is reported to the model as an error. */
  httpMaxBodyBytes: 65_536,
  /** Longest result text handed back to the model (longer ones are cut, with a marker). */
  maxResultChars: 8_000,
} as const;

/** Secret fields of an engine configuration with `tools` (dot paths, see `EngineSpec.secretFields`). */
export const TOOLS_SECRET_FIELDS = ['tools.*.headers.*'] as const;

const Description = z.string().min(1).max(1000);
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'an HTTP header name');
const HeaderValue = z.string().max(8192).regex(/^[^\r\n\0]*$/, 'a header value on one line');

/** A JSON Schema of type `object`: the shape of a function's arguments. */
const ParametersSchema = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema.type === 'object', { message: 'a JSON Schema with "type": "object"' })
  .refine((schema) => JSON.stringify(schema).length <= 16_384, { message: 'at most 16 KB of JSON Schema' });

/** `end_call`: the model ends the call; it hangs up once its goodbye has been heard. */
export const EndCallToolSchema = z.strictObject({
  type: z.literal('end_call'),
  description: Description.optional(),
  /** Spoken before hanging up when the model's reply says nothing itself. */
  goodbye: z.string().min(1).max(1000).optional(),
});

/** `transfer_call`: the provider hands the call to `target` (a number, SIP URI or provider markup) once queued audio has played. */
export const TransferCallToolSchema = z.strictObject({
  type: z.literal('transfer_call'),
  description: Description.optional(),
  target: z.string().min(1).max(4000),
  /** Spoken before the transfer when the model's reply says nothing itself. */
  announcement: z.string().min(1).max(1000).optional(),
});

/** An HTTP tool: the model's arguments go to `url`; the answer goes back to the model. */
export const HttpToolSchema = z.strictObject({
  type: z.literal('http'),
  description: Description,
  parameters: ParametersSchema,
  url: z.url({ protocol: /^https?$/ }).max(2048),
  /** GET and DELETE send the arguments as query parameters; the others as a JSON body. */
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
  /** Sent with every request; secret (encrypted at rest, write-only over the API). */
  headers: z.record(HeaderName, HeaderValue).optional(),
  timeout_ms: z.number().int().min(100).max(30_000).optional(),
});

export const ToolSchema = z.discriminatedUnion('type', [EndCallToolSchema, TransferCallToolSchema, HttpToolSchema]);
/** One tool. */
export type Tool = z.infer<typeof ToolSchema>;
export type EndCallTool = z.infer<typeof EndCallToolSchema>;
export type TransferCallTool = z.infer<typeof TransferCallToolSchema>;
export type HttpTool = z.infer<typeof HttpToolSchema>;

/** `tools: {<function name>: tool}`. */
export const ToolsSchema = z
  .record(z.string().regex(TOOL_NAME_PATTERN, 'a function name: a letter, then letters, digits, _ or - (64 at most)'), ToolSchema)
  .refine((tools) => Object.keys(tools).length <= MAX_TOOLS, { message: `at most ${MAX_TOOLS} tools` });
/** See {@link ToolsSchema}. */
export type Tools = z.infer<typeof ToolsSchema>;
