/**
 * Runs an HTTP tool: the model's arguments go to the configured URL over the product's guarded
 * outbound transport, and whatever happens — an answer, an HTTP error, a timeout, a refused
 * address, arguments that are not JSON — comes back as a result the model can read. It never
 * throws: a failing tool never ends the call.
 */
import { readRemoteBody, transportFor, type RemoteAddressPolicy, type ResolveHost } from '@vr3/providers';
import { TOOL_DEFAULTS, type HttpTool } from './spec.ts';

/** What one tool call came to. */
export interface ToolOutcome {
  /** The arguments as parsed (or the raw text when they were not JSON). */
  arguments: unknown;
  /** The answer, parsed as JSON when it is JSON, else its text. Absent on failure. */
  result?: unknown;
  /** A short failure code: `invalid_arguments`, `timeout`, `http_<status>`, `address_not_allowed`, `unreachable`, `too_large`, `aborted`. */
  error?: string;
  /** HTTP status of the answer, when one came. */
  status?: number;
  /** The text handed back to the model as the tool's message. */
  content: string;
}

/** Options of {@link callHttpTool}. */
export interface HttpToolCallOptions {
  /** Where the tool may connect (`public` unless the operator allows insecure URLs). */
  addressPolicy: RemoteAddressPolicy;
  /** The call's signal: the request stops when the call ends. */
  signal: AbortSignal;
  /** Host resolver (tests). */
  resolveHost?: ResolveHost | undefined;
}

/** `text`, cut to `max` characters with a marker saying so. */
function bounded(text: string, max: number = TOOL_DEFAULTS.maxResultChars): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [cut: ${text.length - max} more characters]`;
}

const failed = (args: unknown, error: string, message: string, status?: number, body?: string): ToolOutcome => ({
  arguments: args,
  error,
  ...(status === undefined ? {} : { status }),
  content: bounded(JSON.stringify({ error: message, ...(status === undefined ? {} : { status }), ...(body ? { body } : {}) })),
});

/** The request URL: GET and DELETE carry the arguments as query parameters. */
function requestUrl(tool: HttpTool, method: string, args: Record<string, unknown>): string {
  if (method !== 'GET' && method !== 'DELETE') return tool.url;
  const url = new URL(tool.url);
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    url.searchParams.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean));
  }
  return url.toString();
}

/** Calls `tool` with the model's `argumentsText`; see the module comment. */
export async function callHttpTool(tool: HttpTool, argumentsText: string, options: HttpToolCallOptions): Promise<ToolOutcome> {
  let args: unknown;
  try {
    args = argumentsText.trim() === '' ? {} : JSON.parse(argumentsText);
  } catch {
    return failed(argumentsText, 'invalid_arguments', 'the arguments were not valid JSON');
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return failed(args, 'invalid_arguments', 'the arguments must be a JSON object');

  const method = tool.method ?? TOOL_DEFAULTS.httpMethod;
  const timeoutMs = tool.timeout_ms ?? TOOL_DEFAULTS.httpTimeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([options.signal, deadline]);
  const withBody = method !== 'GET' && method !== 'DELETE';
  const failure = (err: unknown): ToolOutcome => {
    if (options.signal.aborted) return failed(args, 'aborted', 'the call ended before the tool answered');
    if (deadline.aborted) return failed(args, 'timeout', `the tool did not answer within ${timeoutMs} ms`);
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'address_not_allowed' || code === 'host_unresolvable') return failed(args, 'address_not_allowed', 'the tool URL is not reachable from here');
    if (code === 'body_too_large') return failed(args, 'too_large', `the answer was larger than ${TOOL_DEFAULTS.httpMaxBodyBytes} bytes`);
    return failed(args, 'unreachable', 'the tool could not be reached');
  };

  try {
    const transport = transportFor({ addressPolicy: options.addressPolicy, resolveHost: options.resolveHost });
    const answer = await transport({
      method,
      url: requestUrl(tool, method, args as Record<string, unknown>),
      headers: {
        accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
        'user-agent': 'vr3-agent-tool',
        ...(withBody ? { 'content-type': 'application/json' } : {}),
        ...tool.headers,
      },
      ...(withBody ? { body: JSON.stringify(args) } : {}),
      signal,
    });
    const body = (await readRemoteBody(answer.body, { maxBytes: TOOL_DEFAULTS.httpMaxBodyBytes, signal })).toString('utf8');
    if (answer.status < 200 || answer.status > 299) return failed(args, `http_${answer.status}`, `the tool answered HTTP ${answer.status}`, answer.status, bounded(body, 1000));
    let result: unknown = body;
    try {
      result = body === '' ? null : JSON.parse(body);
    } catch {
      // Not JSON: the text is the result.
    }
    return { arguments: args, result, status: answer.status, content: bounded(typeof result === 'string' ? result : JSON.stringify(result)) };
  } catch (err) {
    return failure(err);
  }
}
