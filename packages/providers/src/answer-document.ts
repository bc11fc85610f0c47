/**
 * Answer URLs: what a provider fetches when a call comes in (TwiML, CXML, Plivo/Vobiz XML, Exotel's
 * dynamic-routing JSON) to connect it to an agent's Agent Stream URL. The shared types and the
 * pieces every provider's `answer-document.ts` uses: XML escaping and the two stream URL forms.
 */
import type { AnswerDocument, AnswerDocumentRequest, BuildAnswerDocument } from './call-control.ts';
import { ProviderConfigError } from './errors.ts';

/** Path prefix of the Agent Stream endpoint. */
export const AGENT_STREAM_PATH = '/api/v1/agent-stream';

/** Sample rates an answer document may ask a provider for. */
export type AnswerSampleRate = 8000 | 16000 | 24000;

/** One answer request of a provider, for an agent. */
export interface AnswerUrlRequest {
  /** The product's public stream base, `wss://host[:port]` (no path). */
  streamBase: string;
  agentUuid: string;
  /**
   * The provider's answer-request parameters (query string and form or JSON body, first value of
   * each name): those the stream needs (numbers, call id, account) are carried into its URL.
   */
  params: Readonly<Record<string, string>>;
  /** The rate the agent wants: 8000 asks for μ-law where the provider streams it, more for PCM16 at that rate. */
  sampleRate: AnswerSampleRate;
}

/** A provider's answer URL: from its answer request to the document connecting the call to the agent. */
export interface AnswerUrlSpec {
  readonly provider: string;
  /** The stream URL (and custom parameters) for the agent, carrying what the answer request says that the stream needs. */
  streamRequest(request: AnswerUrlRequest): AnswerDocumentRequest & { readonly streamUrl: string };
  /** The document that connects a call to a stream URL (the descriptor's `answerDocument`). */
  readonly document: BuildAnswerDocument;
  /**
   * Answered with 404 when the agent is unknown or archived: a hang-up in the provider's language,
   * or a plain JSON error where it has none.
   */
  readonly refusal: AnswerDocument;
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** `value` safe in XML text and in a double- or single-quoted attribute. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

/** The XML declaration every XML answer document starts with. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** `application/xml`: TwiML, CXML and Plivo/Vobiz XML. */
export const XML_CONTENT_TYPE = 'application/xml';

/** `<Response><Hangup/></Response>`: the refusal of every XML provider. */
export const XML_HANGUP: AnswerDocument = Object.freeze({ contentType: XML_CONTENT_TYPE, body: `${XML_DECLARATION}<Response><Hangup/></Response>` });

/**
 * `<Response><Connect><Stream url="…">` with one `<Parameter name value/>` per custom parameter
 * (they arrive in `start.customParameters`), then `after` (e.g. `<Hangup/>`): the TwiML and CXML
 * of a bidirectional stream, every value escaped.
 */
export function connectStreamXml(request: AnswerDocumentRequest, after = ''): AnswerDocument {
  const parameters = Object.entries(request.customParameters ?? {})
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  const stream = parameters === '' ? `<Stream url="${escapeXml(request.streamUrl)}"/>` : `<Stream url="${escapeXml(request.streamUrl)}">${parameters}</Stream>`;
  return { contentType: XML_CONTENT_TYPE, body: `${XML_DECLARATION}<Response><Connect>${stream}</Connect>${after}</Response>` };
}

/**
 * `{streamBase}/api/v1/agent-stream/{agent_uuid}?provider={provider}&…` (the query form), values
 * percent-encoded, `query` entries without a value left out.
 */
export function queryStreamUrl(streamBase: string, provider: string, agentUuid: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  return `${trimSlash(streamBase)}${AGENT_STREAM_PATH}/${encodeURIComponent(agentUuid)}?${searchOf({ provider, ...query })}`;
}

/**
 * `{streamBase}/api/v1/agent-stream/{provider}/{agent_uuid}` (the path form, for providers that
 * forbid or limit a query string), with `query` (entries without a value left out) when it has any.
 */
export function pathStreamUrl(streamBase: string, provider: string, agentUuid: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  const search = searchOf(query);
  return `${trimSlash(streamBase)}${AGENT_STREAM_PATH}/${encodeURIComponent(provider)}/${encodeURIComponent(agentUuid)}${search ? `?${search}` : ''}`;
}

/** The first non-empty of `names` in `params`. */
export function firstParam(params: Readonly<Record<string, string>>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** `value` when it is an {@link AnswerSampleRate}; throws `invalid_option` for any other, undefined stays undefined. */
export function answerSampleRate(value: number | undefined): AnswerSampleRate | undefined {
  if (value === undefined || value === 8000 || value === 16000 || value === 24000) return value;
  throw new ProviderConfigError('invalid_option', 'answer document sample rate must be 8000, 16000 or 24000');
}

function searchOf(query: Readonly<Record<string, string | undefined>>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.append(name, value);
  return search.toString();
}

function trimSlash(base: string): string {
  return base.replace(/\/+$/, '');
}
