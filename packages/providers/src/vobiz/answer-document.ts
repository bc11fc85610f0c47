/** Vobiz's answer URL: the Plivo-style `<Stream>` XML; L16 at 8, 16 or 24 kHz, or μ-law 8 kHz. */
import type { AnswerUrlSpec } from '../answer-document.ts';
import type { BuildAnswerDocument } from '../call-control.ts';
import { plivoStyleAnswerDocument, plivoStyleAnswerUrl, type PlivoStyleAnswerProfile } from '../plivo-style/answer-document.ts';

const PROFILE: PlivoStyleAnswerProfile = Object.freeze({ provider: 'vobiz', maxL16Rate: 24000 });

/** Vobiz XML connecting a call to a stream URL. */
export const vobizAnswerDocument: BuildAnswerDocument = plivoStyleAnswerDocument(PROFILE);

/** Vobiz's answer URL for an agent. */
export const vobizAnswerUrl: AnswerUrlSpec = plivoStyleAnswerUrl(PROFILE);
