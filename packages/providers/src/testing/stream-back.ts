/**
 * The stand-in's stream-back: after a request to open a stream on a live call (Vobiz/Plivo `POST
 * …/Call/{uuid}/Stream/`) it opens a provider media session to `service_url` with the provider's
 * fake media client, posts `StartStream`, plays a tone until the stream is stopped (`DELETE
 * …/Stream/{id}/`), the socket closes or `maxStreamMs` passes, then closes the socket and posts
 * `StopStream`.
 */
import type { ProviderName } from '../provider-name.ts';
import { connectMediaClient } from './connect-media-client.ts';
import { postFields, type DialBackCallback } from './dial-back.ts';
import type { CloseInfo, ProviderMediaClient } from './media-client.ts';
import type { StandInStreaming, StandInStreamRequest } from './stand-in-routes.ts';
import { playTone } from './tone-party.ts';

/** Options of the stream-back. */
export interface StreamBackOptions {
  /** Longest a stream plays before the provider stops it, in milliseconds. Default 60 000. */
  maxStreamMs?: number | undefined;
  /** Frequency of the tone the call plays into the stream. Default 440 Hz. */
  toneHz?: number | undefined;
  /** Keep what the call heard in {@link StandInStream.heardPcm}. Default true. */
  keepAudio?: boolean | undefined;
}

/** Defaults of {@link StreamBackOptions}. */
export const STREAM_BACK_DEFAULTS = Object.freeze({ maxStreamMs: 60_000, toneHz: 440 });

/** One stream opened on a live call through the stand-in. */
export interface StandInStream {
  readonly provider: ProviderName;
  readonly account: string;
  readonly callId: string;
  readonly streamId: string;
  readonly request: StandInStreamRequest;
  /** The status callbacks posted (`StartStream`, `StopStream`). */
  readonly callbacks: DialBackCallback[];
  /** Whether the stream was stopped through the REST API. */
  stopped: boolean;
  /** How the media session closed. */
  close?: CloseInfo | undefined;
  /** What the call heard (PCM at {@link heardRate}). */
  heardPcm?: Int16Array | undefined;
  heardRate?: number | undefined;
  /** Why the stream-back failed, when it did. */
  error?: string | undefined;
  /** Settles when the stream is over and `StopStream` posted. */
  readonly done: Promise<void>;
  /** Stops the stream (the REST `DELETE`): the socket closes and `StopStream` is posted. */
  stop(): void;
}

/** Opens stream `streamId` of call `callId` to `request.serviceUrl`; the returned record fills in as it goes. */
export function startStreamBack(
  ctx: { provider: ProviderName; streaming: StandInStreaming; options: StreamBackOptions },
  account: string,
  callId: string,
  streamId: string,
  request: StandInStreamRequest,
): StandInStream {
  const stopper = new AbortController();
  const callbacks: DialBackCallback[] = [];
  const record: StandInStream = {
    provider: ctx.provider,
    account,
    callId,
    streamId,
    request,
    callbacks,
    stopped: false,
    done: Promise.resolve(),
    stop() {
      record.stopped = true;
      stopper.abort();
    },
  };
  const post = async (event: string): Promise<void> => {
    if (request.statusCallbackUrl === undefined) return;
    try {
      const res = await postFields(request.statusCallbackUrl, ctx.streaming.statusForm({ account, callId, streamId, request, event }));
      await res.arrayBuffer();
      callbacks.push({ status: event, httpStatus: res.status });
    } catch {
      callbacks.push({ status: event, httpStatus: 0 });
    }
  };
  (record as { done: Promise<void> }).done = (async () => {
    const keepAudio = ctx.options.keepAudio ?? true;
    let client: ProviderMediaClient | undefined;
    try {
      client = await connectMediaClient(ctx.provider, request.serviceUrl, { record: keepAudio });
      client.begin({ accountId: account, callId });
      await post('StartStream');
      await playTone(client, {
        holdMs: ctx.options.maxStreamMs ?? STREAM_BACK_DEFAULTS.maxStreamMs,
        toneHz: ctx.options.toneHz ?? STREAM_BACK_DEFAULTS.toneHz,
        signal: stopper.signal,
      });
      if (keepAudio) {
        record.heardPcm = client.receivedPcm();
        record.heardRate = client.format.sampleRate;
      }
      record.close = client.isOpen ? await client.hangup() : client.closeInfo;
    } catch (err) {
      record.error = err instanceof Error ? err.message : 'stream-back failed';
    } finally {
      if (client?.isOpen) await client.close();
    }
    await post('StopStream');
  })();
  return record;
}
