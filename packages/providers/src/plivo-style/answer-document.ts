/**
 * The `<Stream>` answer XML Vobiz and Plivo share: a bidirectional stream (`bidirectional="true"`
 * needs `audioTrack="inbound"`) kept up while it runs (`keepCallAlive="true"`: without it a lone
 * `<Stream>` ends the XML and the call), in the agent's audio (`contentType`), the stream URL as the
 * element text. The answer webhook's `CallUUID`, `From` and `To` go on the run (query form); the
 * account comes in `start.accountId`.
 */
import { answerSampleRate, escapeXml, firstParam, queryStreamUrl, XML_CONTENT_TYPE, XML_DECLARATION, XML_HANGUP, type AnswerSampleRate, type AnswerUrlRequest, type AnswerUrlSpec } from '../answer-document.ts';
import type { AnswerDocument, AnswerDocumentRequest, BuildAnswerDocument } from '../call-control.ts';
import { ProviderConfigError } from '../errors.ts';

/** What differs between the providers speaking this XML. */
export interface PlivoStyleAnswerProfile {
  provider: 'vobiz' | 'plivo';
  /** Highest L16 rate the provider streams (Vobiz 24000, Plivo 16000). */
  maxL16Rate: AnswerSampleRate;
}

/** `extraHeaders` keys and values: letters and digits only. */
const EXTRA_HEADER_TEXT = /^[A-Za-z0-9]+$/;
/** Longest `extraHeaders` value. */
const MAX_EXTRA_HEADERS_BYTES = 512;

/**
 * `contentType` of the `<Stream>`: μ-law 8 kHz for 8000 (or no rate), else L16 at the rate, capped
 * at the provider's highest.
 */
export function plivoStyleContentType(sampleRate: AnswerSampleRate | undefined, maxL16Rate: AnswerSampleRate): string {
  if (sampleRate === undefined || sampleRate === 8000) return 'audio/x-mulaw;rate=8000';
  return `audio/x-l16;rate=${Math.min(sampleRate, maxL16Rate)}`;
}

/** `k1=v1,k2=v2`; throws `invalid_option` for a key or value that is not alphanumeric, or over 512 bytes in all. */
function extraHeaders(params: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(params);
  for (const [name, value] of pairs) {
    if (!EXTRA_HEADER_TEXT.test(name) || !EXTRA_HEADER_TEXT.test(value)) throw new ProviderConfigError('invalid_option', 'extraHeaders keys and values must be letters and digits');
  }
  const text = pairs.map(([name, value]) => `${name}=${value}`).join(',');
  if (text.length > MAX_EXTRA_HEADERS_BYTES) throw new ProviderConfigError('invalid_option', `extraHeaders must be at most ${MAX_EXTRA_HEADERS_BYTES} bytes`);
  return text;
}

/** The `<Stream>` XML builder of a Plivo-style provider; custom parameters become `extraHeaders`. */
export function plivoStyleAnswerDocument(profile: PlivoStyleAnswerProfile): BuildAnswerDocument {
  return (request: AnswerDocumentRequest): AnswerDocument => {
    const contentType = plivoStyleContentType(answerSampleRate(request.sampleRate), profile.maxL16Rate);
    const headers = extraHeaders(request.customParameters ?? {});
    const attributes = `bidirectional="true" audioTrack="inbound" keepCallAlive="true" contentType="${escapeXml(contentType)}"${headers === '' ? '' : ` extraHeaders="${escapeXml(headers)}"`}`;
    return { contentType: XML_CONTENT_TYPE, body: `${XML_DECLARATION}<Response><Stream ${attributes}>${escapeXml(request.streamUrl)}</Stream></Response>` };
  };
}

/** The answer URL of a Plivo-style provider for an agent. */
export function plivoStyleAnswerUrl(profile: PlivoStyleAnswerProfile): AnswerUrlSpec {
  return Object.freeze({
    provider: profile.provider,
    streamRequest(request: AnswerUrlRequest) {
      const p = request.params;
      const streamUrl = queryStreamUrl(request.streamBase, profile.provider, request.agentUuid, {
        callId: firstParam(p, 'CallUUID', 'callId'),
        from: firstParam(p, 'From', 'from'),
        to: firstParam(p, 'To', 'to'),
      });
      return { streamUrl, sampleRate: request.sampleRate };
    },
    document: plivoStyleAnswerDocument(profile),
    refusal: XML_HANGUP,
  });
}
