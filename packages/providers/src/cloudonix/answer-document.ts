/**
 * Cloudonix's answer URL (a voice application's URL): CXML `<Connect><Stream>` on the query-form
 * stream URL, then `<Hangup/>` once the stream has ended. The voice application request names the
 * domain (`Domain`, else `AccountSid`), which selects the telephony configuration, and the call
 * (`CallSid`) and numbers (`From`, `To`), which go on the run; the session token arrives in
 * `start.session`. Cloudonix streams μ-law 8 kHz.
 */
import { connectStreamXml, firstParam, queryStreamUrl, XML_HANGUP, type AnswerUrlRequest, type AnswerUrlSpec } from '../answer-document.ts';
import type { AnswerDocument, AnswerDocumentRequest } from '../call-control.ts';

/** CXML connecting a call to `request.streamUrl`, custom parameters as `<Parameter>`s, then hanging up. */
export function cloudonixAnswerDocument(request: AnswerDocumentRequest): AnswerDocument {
  return connectStreamXml(request, '<Hangup/>');
}

/** Cloudonix's answer URL for an agent. */
export const cloudonixAnswerUrl: AnswerUrlSpec = Object.freeze({
  provider: 'cloudonix',
  streamRequest(request: AnswerUrlRequest) {
    const p = request.params;
    const streamUrl = queryStreamUrl(request.streamBase, 'cloudonix', request.agentUuid, {
      Domain: firstParam(p, 'Domain', 'domain', 'AccountSid'),
      callId: firstParam(p, 'CallSid', 'callId'),
      from: firstParam(p, 'From', 'from'),
      to: firstParam(p, 'To', 'to'),
    });
    return { streamUrl };
  },
  document: cloudonixAnswerDocument,
  refusal: XML_HANGUP,
});
