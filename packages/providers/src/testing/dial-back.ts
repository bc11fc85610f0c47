/**
 * The stand-in's dial-back: after a create-call request it plays the called party. It rings, then
 * either ends the call with the scripted outcome (`busy`, `no-answer`) or answers: it takes the
 * stream URL from the request (Twilio TwiML) or from the document the answer URL returns
 * (Vobiz/Plivo `<Stream>`), opens a provider media session there with the provider's fake media
 * client, plays a tone, hangs up after `holdMs`, and posts the provider's status callbacks.
 */
import type { ProviderName } from '../provider-name.ts';
import { connectMediaClient } from './connect-media-client.ts';
import type { CloseInfo } from './media-client.ts';
import { playTone } from './tone-party.ts';
import type { StandInCallStatus, StandInDialing, StandInPlacement } from './stand-in-routes.ts';

/** What the called party does. */
export type DialOutcome = 'answer' | 'busy' | 'no-answer';

/** Options of the dial-back. */
export interface DialBackOptions {
  /** The outcome of a call to `to`. Default: every call is answered. */
  outcome?: ((to: string) => DialOutcome) | undefined;
  /** How long the call rings before it is answered or refused, in milliseconds. Default 50. */
  ringMs?: number | undefined;
  /** How long an answered call plays its tone before hanging up, in milliseconds. Default 1000. */
  holdMs?: number | undefined;
  /** Frequency of the tone the called party plays. Default 440 Hz. */
  toneHz?: number | undefined;
  /** Keep what the called party heard in {@link StandInDial.heardPcm}. Default true (a long-running simulator turns it off). */
  keepAudio?: boolean | undefined;
}

/** Defaults of {@link DialBackOptions}. */
export const DIAL_BACK_DEFAULTS = Object.freeze({ ringMs: 50, holdMs: 1000, toneHz: 440 });

/** Longest answer document read. */
const MAX_ANSWER_CHARS = 64 * 1024;
/** Deadline of each request the dial-back makes. */
const REQUEST_TIMEOUT_MS = 5000;
/** Time left after the tone for its echo to come back before hanging up. */
const ECHO_TAIL_MS = 300;

/** A status callback the stand-in posted. */
export interface DialBackCallback {
  readonly status: string;
  /** HTTP status of the product's answer; 0 when the request failed. */
  readonly httpStatus: number;
}

/** One call placed through the stand-in, as the called party saw it. */
export interface StandInDial {
  readonly provider: ProviderName;
  readonly account: string;
  readonly callId: string;
  readonly placement: StandInPlacement;
  readonly outcome: DialOutcome;
  /** The stream URL the answered call connected to. */
  streamUrl?: string | undefined;
  /** How the media session closed. */
  close?: CloseInfo | undefined;
  /** PCM16 the product played back to the called party (at the wire rate); unset without `keepAudio`. */
  heardPcm?: Int16Array | undefined;
  /** Sample rate of {@link heardPcm}. */
  heardRate?: number | undefined;
  readonly callbacks: DialBackCallback[];
  /** Why the dial-back failed, when it did. */
  error?: string | undefined;
  /** Settles when the call is over and its last callback posted. */
  readonly done: Promise<void>;
}

/** What the dial-back needs of the stand-in. */
export interface DialBackContext {
  readonly provider: ProviderName;
  readonly dialing: StandInDialing;
  readonly options: DialBackOptions;
  /** Sets the call's status as the provider's REST API reports it. */
  setStatus(status: string): void;
  /** The status an ended call keeps (`null`: forgotten). */
  readonly endedStatus: string | null;
  /** The account's credentials, for what the provider signs (the stream's upgrade). */
  readonly credentials: Readonly<Record<string, string>>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs `fields` to `url` as a form (or a JSON object), with the request deadline. */
export async function postFields(url: string, fields: Record<string, string>, encoding: 'form' | 'json' = 'form'): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: encoding === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

/** Starts the dial-back of a call the stand-in accepted; the returned record fills in as it goes. */
export function startDialBack(ctx: DialBackContext, account: string, callId: string, placement: StandInPlacement): StandInDial {
  const outcome = ctx.options.outcome?.(placement.to) ?? 'answer';
  const callbacks: DialBackCallback[] = [];
  const record: { -readonly [K in keyof StandInDial]: StandInDial[K] } = { provider: ctx.provider, account, callId, placement, outcome, callbacks, done: Promise.resolve() };
  const status = async (s: string, durationS?: number): Promise<void> => {
    const call: StandInCallStatus = { account, callId, placement, status: s, durationS };
    const form = placement.statusCallbackUrl === undefined ? undefined : ctx.dialing.statusForm(call);
    if (form === undefined || placement.statusCallbackUrl === undefined) return;
    try {
      const res = await postFields(placement.statusCallbackUrl, form, ctx.dialing.statusEncoding);
      await res.arrayBuffer();
      callbacks.push({ status: s, httpStatus: res.status });
    } catch {
      callbacks.push({ status: s, httpStatus: 0 });
    }
  };
  record.done = (async () => {
    ctx.setStatus('ringing');
    await sleep(ctx.options.ringMs ?? DIAL_BACK_DEFAULTS.ringMs);
    await status('ringing');
    if (outcome !== 'answer') {
      ctx.setStatus(outcome);
      await status(outcome, 0);
      return;
    }
    ctx.setStatus('in-progress');
    await status('in-progress');
    const answeredAt = Date.now();
    try {
      await answer(ctx, record, account, callId, placement);
    } catch (err) {
      record.error = err instanceof Error ? err.message : 'dial-back failed';
    }
    ctx.setStatus(ctx.endedStatus ?? 'completed');
    await status('completed', Math.round((Date.now() - answeredAt) / 1000));
  })();
  return record;
}

/** The stream URL of the answered call: in the request, or in the answer URL's document. */
async function streamUrlOf(ctx: DialBackContext, account: string, callId: string, placement: StandInPlacement): Promise<string> {
  if (placement.streamUrl !== undefined) return placement.streamUrl;
  if (placement.answerUrl === undefined || ctx.dialing.streamUrlOf === undefined) throw new Error('the call has no stream URL and no answer URL');
  const res = await postFields(placement.answerUrl, ctx.dialing.answerForm?.(account, callId, placement) ?? {});
  const document = (await res.text()).slice(0, MAX_ANSWER_CHARS);
  if (res.status !== 200) throw new Error(`answer URL answered ${res.status}`);
  const url = ctx.dialing.streamUrlOf(document);
  if (url === undefined) throw new Error('the answer document names no stream');
  return url;
}

/** Connects the media session, plays the tone for `holdMs`, lets the echo come back and hangs up. */
async function answer(ctx: DialBackContext, record: { streamUrl?: string | undefined; close?: CloseInfo | undefined; heardPcm?: Int16Array | undefined; heardRate?: number | undefined }, account: string, callId: string, placement: StandInPlacement): Promise<void> {
  const streamUrl = await streamUrlOf(ctx, account, callId, placement);
  record.streamUrl = streamUrl;
  const keepAudio = ctx.options.keepAudio ?? true;
  const client = await connectMediaClient(ctx.provider, streamUrl, { record: keepAudio, headers: ctx.dialing.upgradeHeaders?.(streamUrl, ctx.credentials) ?? {} });
  try {
    // Cloudonix names the call by its session token, which its REST API validates.
    client.begin({ accountId: account, callId, from: placement.from, to: placement.to, ...(ctx.provider === 'cloudonix' ? { session: callId } : {}) });
    await playTone(client, { holdMs: ctx.options.holdMs ?? DIAL_BACK_DEFAULTS.holdMs, toneHz: ctx.options.toneHz ?? DIAL_BACK_DEFAULTS.toneHz });
    await sleep(ECHO_TAIL_MS);
    if (keepAudio) {
      record.heardPcm = client.receivedPcm();
      record.heardRate = client.format.sampleRate;
    }
    record.close = client.isOpen ? await client.hangup() : client.closeInfo;
  } finally {
    if (client.isOpen) await client.close();
  }
}
