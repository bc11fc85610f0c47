/** Plivo's answer URL: the Plivo-style `<Stream>` XML; L16 at 8 or 16 kHz (Plivo has no 24 kHz), or μ-law 8 kHz. */
import type { AnswerUrlSpec } from '../answer-document.ts';
import type { BuildAnswerDocument } from '../call-control.ts';
import { plivoStyleAnswerDocument, plivoStyleAnswerUrl, type PlivoStyleAnswerProfile } from '../plivo-style/answer-document.ts';

const PROFILE: PlivoStyleAnswerProfile = Object.freeze({ provider: 'plivo', maxL16Rate: 16000 });

/** Plivo XML connecting a call to a stream URL. */
export const plivoAnswerDocument: BuildAnswerDocument = plivoStyleAnswerDocument(PROFILE);

/** Plivo's answer URL for an agent. */
export const plivoAnswerUrl: AnswerUrlSpec = plivoStyleAnswerUrl(PROFILE);
