/**
 * Twilio's answer URL: TwiML `<Connect><Stream>` (bidirectional) on the path-form stream URL
 * (Twilio refuses a query string in `<Stream url>`, error 31920), with the voice webhook's caller
 * and called numbers (`From`, `To`) as `<Parameter>`s `from` / `to`, which arrive in
 * `start.customParameters`. The account (`start.accountSid`) and call (`start.callSid`) come in
 * `start` itself; Twilio streams μ-law 8 kHz whatever the agent wants.
 */
import { connectStreamXml, firstParam, pathStreamUrl, XML_HANGUP, type AnswerUrlRequest, type AnswerUrlSpec } from '../answer-document.ts';
import type { AnswerDocument, AnswerDocumentRequest } from '../call-control.ts';

/** TwiML connecting a call to `request.streamUrl`, custom parameters as `<Parameter>`s. */
export function twilioAnswerDocument(request: AnswerDocumentRequest): AnswerDocument {
  return connectStreamXml(request);
}

/** Twilio's answer URL for an agent. */
export const twilioAnswerUrl: AnswerUrlSpec = Object.freeze({
  provider: 'twilio',
  streamRequest(request: AnswerUrlRequest) {
    const customParameters: Record<string, string> = {};
    const from = firstParam(request.params, 'From', 'from');
    const to = firstParam(request.params, 'To', 'to');
    if (from !== undefined) customParameters.from = from;
    if (to !== undefined) customParameters.to = to;
    return { streamUrl: pathStreamUrl(request.streamBase, 'twilio', request.agentUuid), customParameters };
  },
  document: twilioAnswerDocument,
  refusal: XML_HANGUP,
});
